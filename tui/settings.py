"""The terminal side of ``config.toml`` (see :mod:`tandem.store.config`): what only Textual
knows — theme names, key names, the id of every binding of the three apps — and applying the
settings to an app."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING

from tandem.store.config import Known, LoadedConfig, Vocabulary, load_config
from tandem.tui.textual_private import class_bindings

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode


@functools.cache
def default_keys() -> dict[str, str]:
    """Binding id → its default keys ("ctrl+s", or "question_mark,f1"), for every binding
    with an id on any screen, widget or app of tandem."""
    from textual.dom import DOMNode

    import tandem.tui

    # Every module of the terminal side but the command line (bindings live in apps,
    # screens and widgets; the CLI would only cost imports).
    for module in pkgutil.walk_packages(tandem.tui.__path__, "tandem.tui."):
        if not module.name.startswith("tandem.tui.cli"):
            importlib.import_module(module.name)
    keys: dict[str, list[str]] = {}
    seen: set[type] = set()
    todo = [DOMNode]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
        if not cls.__module__.startswith("tandem."):
            continue
        for key, bindings in class_bindings(cls).key_to_bindings.items():
            for binding in bindings:
                if binding.id:
                    entry = keys.setdefault(binding.id, [])
                    if key not in entry:
                        entry.append(key)
    return {binding_id: ",".join(found) for binding_id, found in sorted(keys.items())}


def is_key_name(name: str) -> bool:
    """A key Textual knows by this name (f2, escape, pageup, question_mark…)."""
    from textual.keys import Keys, key_to_character

    return name in {k.value for k in Keys} or key_to_character(name) is not None


def theme_names() -> list[str]:
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def known(*, templates: bool = True) -> Known:
    """Everything the config is checked against. ``templates``: also the agenda templates'
    ids (reads the template folders)."""
    template_ids = None
    if templates:
        from tandem.store.templates import load_library

        template_ids = list(load_library().templates)
    return Known(themes=theme_names(), binding_ids=default_keys(), key_name=is_key_name, templates=template_ids)


def load_settings(path: Path | None = None) -> LoadedConfig:
    """The user's config, fully checked (never raises)."""
    return load_config(path, known())


def quick_settings(path: Path | None = None) -> LoadedConfig:
    """The user's config, checked for what costs nothing to check (types, theme, key names);
    what an app starts with. :func:`load_settings` checks the rest (binding and template ids)."""
    return load_config(path, Known(themes=theme_names(), key_name=is_key_name))


def apply_settings(app: App, loaded: LoadedConfig, *, notify: bool = True) -> None:
    """Keymap and theme onto a running app; with ``notify``, the file's problems as one
    notification."""
    if loaded.config.keymap:
        app.set_keymap(dict(loaded.config.keymap))
    if loaded.config.theme:
        app.theme = loaded.config.theme
    if notify:
        notify_problems(app, loaded)


def notify_problems(app: App, loaded: LoadedConfig) -> None:
    if not loaded.problems:
        return
    shown = [p.format() for p in loaded.problems[:8]]
    more = len(loaded.problems) - len(shown)
    if more:
        shown.append(f"…and {more} more ('tandem config check' lists them all).")
    app.notify(
        "\n".join(shown),
        title="config.toml: these settings use their defaults",
        severity="warning",
        timeout=20,
        markup=False,
    )


def vocabulary(app: App) -> Vocabulary:
    """config.toml's ``[vocabulary]`` in effect (every tandem app has settings; an app
    built bare, as some tests do, has the defaults)."""
    settings = getattr(app, "settings", None)
    return settings.vocabulary if settings is not None else Vocabulary()


def team_names(node: DOMNode) -> dict[str, str]:
    """Team id → the name config.toml gives it ("sales" → "Revenue"); {} when none."""
    return vocabulary(node.app).teams
