"""Files for the IATI tests: the repo's own, and the standard's schema test cases."""

from pathlib import Path

import pytest

from service.settings import Settings

FILES = Path(__file__).parent / "files"


def iati_dir() -> Path:
    """The IATI reference files (schemas, the standard's test cases), outside the repo."""
    path = Settings(_env_file=None).iati_dir
    if not (path / "xsd" / "iati-activities-schema.xsd").is_file():
        pytest.skip(f"IATI reference files not found at {path}: set COOPGRAPH_IATI_DIR")
    return path


@pytest.fixture
def reference_schema() -> Path:
    return iati_dir() / "xsd" / "iati-activities-schema.xsd"
