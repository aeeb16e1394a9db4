"""Where unexpected errors go: a log file, so the user sees one sentence, not a traceback."""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

#: A traceback holds paths, meeting titles and the words of notes: as private as the data.
LOG_MODE = 0o600


def write_crash_log(exc: BaseException) -> Path:
    from platformdirs import user_log_path

    from tandem.store.atomic import ensure_dir

    folder = user_log_path("tandem", appauthor=False)
    try:
        ensure_dir(folder)
        path = folder / "crash.log"
        # os.open with a mode, not open(): the file is never readable by others, even for a
        # moment, whatever the umask; O_NOFOLLOW: a link planted there is not written through.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, LOG_MODE)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            os.fchmod(fd, LOG_MODE)  # one an older tandem created with the umask's mode
            log.write(f"--- {datetime.now().isoformat(timespec='seconds')}\n")
            log.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return Path("(no writable log folder)")
