"""Daily zip snapshots: taken before the first write of each day, the last 7 kept."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from tandem.store.atomic import TEMP_MARK, atomic_write_bytes, ensure_dir, read_regular
from tandem.store.errors import CorruptFileError

KEEP = 7


class Snapshots:
    def __init__(self, folder: Path, home: Path, *, now: Callable[[], datetime]) -> None:
        self.folder = folder
        self.home = home
        self._now = now
        self._checked_day: str | None = None

    def path_for(self, day: str) -> Path:
        return self.folder / f"{day}.zip"

    def all(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("????-??-??.zip"))

    def _files(self) -> list[Path]:
        return sorted(p for p in self.home.rglob("*.json") if self.folder not in p.parents and TEMP_MARK not in p.name and p.is_file() and not p.is_symlink())

    def take_if_due(self) -> Path | None:
        """Cheap after the first call of the day: one string comparison."""
        day = self._now().date().isoformat()
        if self._checked_day == day:
            return None
        self._checked_day = day
        target = self.path_for(day)
        if target.exists():
            return None
        files = self._files()
        if not files:
            return None  # nothing saved yet: nothing to protect
        return self.take(target, files)

    def take(self, target: Path, files: list[Path] | None = None) -> Path:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files if files is not None else self._files():
                try:
                    data = read_regular(path)
                except (OSError, CorruptFileError):  # gone meanwhile, or not a plain file
                    continue
                # A fixed timestamp keeps the archive a function of the data alone.
                info = zipfile.ZipInfo(path.relative_to(self.home).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                archive.writestr(info, data)
        ensure_dir(target.parent)
        atomic_write_bytes(target, buffer.getvalue())
        for old in self.all()[:-KEEP]:
            old.unlink(missing_ok=True)
        return target
