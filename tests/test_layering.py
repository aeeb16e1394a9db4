"""store/ must never import Textual: the data layer has to work headless and stay fast."""

import pkgutil
import subprocess
import sys

import tandem.store


def test_store_modules_load_no_textual() -> None:
    names = [m.name for m in pkgutil.walk_packages(tandem.store.__path__, "tandem.store.")]
    assert "tandem.store.workspace" in names
    code = (
        "import sys\n"
        f"for name in {names!r}: __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "", f"store imports Textual modules: {out}"


def test_cli_module_defers_textual() -> None:
    """`tandem list` and friends must not pay for Textual's import."""
    code = "import sys, tandem.tui.cli.main; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_app_defers_what_the_home_screen_does_not_need() -> None:
    """Start-up pays only for the home screen: the live meeting, shadow days, templates,
    minutes (Jinja2), Markdown parsing and review load when first used."""
    deferred = [
        "jinja2",
        "markdown_it",
        "tandem.store.live",
        "tandem.store.shadow_session",
        "tandem.store.minutes.render",
        "tandem.store.templates",
        "tandem.tui.screens.live",
        "tandem.tui.screens.review",
        "tandem.store.upkeep.doctor",
    ]
    code = f"import sys, tandem.tui.app; print(sorted(m for m in {deferred!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
