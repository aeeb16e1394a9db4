"""What every benchmark shares: nearest-rank percentiles and the JSON it leaves behind."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile (with few samples it is only indicative)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def finish(results: dict[str, Any], path: Path) -> None:
    """Write the figures as JSON next to the printed table, and say where."""
    print("PASS" if results.get("pass") else "FAIL")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    print(f"JSON: {path}")
