"""The bench scripts run from ``bench/`` and import one another as top-level modules
(``from scratch import Server``), so their tests put that folder on the path the same way."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
