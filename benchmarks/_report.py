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


def bytecode_as_installed() -> str:
    """tandem's modules compiled to bytecode before anything is timed, as ``pip install``
    compiles an installed package. With PYTHONDONTWRITEBYTECODE set (this machine's
    default) an editable install compiles every module it imports again in each process:
    0.1 s of every command's start, which no user's install pays. Returns the line the
    report prints (and keeps in its JSON)."""
    import compileall
    import os

    import tandem

    root = Path(tandem.__file__).resolve().parent
    ok = all(compileall.compile_file(path, quiet=1) for path in root.glob("*.py"))
    ok = all([ok, *(compileall.compile_dir(root / sub, quiet=1) for sub in ("store", "tui"))])
    said = "compiled before timing, as an install has them" if ok else "NOT all compiled (see above): commands compile them as they start"
    unset = (
        " (PYTHONDONTWRITEBYTECODE is set here: without this, every command compiled them as it started)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    )
    return f"bytecode: tandem's modules {said}{unset}"
