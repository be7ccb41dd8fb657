"""The IATI file the read tests query, imported into the test's database."""

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from iati.importing import IatiFile, import_files
from tests.iati.conftest import FILES

READS_FILE = FILES / "finance_and_results.xml"
FIRST, SECOND = "XM-DAC-41302-READS-001", "XM-DAC-41302-READS-002"


@pytest.fixture
async def imported(conn: AsyncConnection) -> AsyncConnection:
    """``finance_and_results.xml`` imported: two activities, one rich in elements."""
    with READS_FILE.open("rb") as stream:
        report = await import_files(conn, [IatiFile(READS_FILE.name, stream)], key_name="test")
    assert not report.refused, report.problems
    return conn
