"""Where unexpected errors go: a log file, so the user sees one sentence, not a traceback."""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path


def write_crash_log(exc: BaseException) -> Path:
    from platformdirs import user_log_path

    folder = user_log_path("tandem", appauthor=False)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / "crash.log"
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now().isoformat(timespec='seconds')}\n")
            log.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return Path("(no writable log folder)")
