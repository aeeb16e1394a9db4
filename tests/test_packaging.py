"""The wheel ships every package of the tree: a folder with an ``__init__.py`` that
pyproject.toml does not list would be missing from a user's install."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    # The package's own folders only: a build/ left by `pip wheel` (as .ci/run does) holds
    # copies of them.
    inits = [ROOT / "__init__.py", *(ROOT / "store").rglob("__init__.py"), *(ROOT / "tui").rglob("__init__.py")]
    found = {".".join(("tandem", *init.parent.relative_to(ROOT).parts)) for init in inits}
    assert "tandem.store.minutes" in found
    assert found == listed, f"not listed: {sorted(found - listed)}; listed but gone: {sorted(listed - found)}"


def test_every_style_sheet_is_shipped() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["tandem"]
    sheets = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tui").rglob("*.tcss")}
    shipped = {s for s in sheets if any(Path(s).match(pattern) and Path(s).parent == Path(pattern).parent for pattern in data)}
    assert sheets and shipped == sheets, f"not shipped: {sorted(sheets - shipped)}"
