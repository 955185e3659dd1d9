"""Look up every word the app shows, in English or Simplified Chinese.

Strings live in small area modules beside this file (``core.py``,
``data.py``, ``pages.py`` …), each defining two flat dicts, ``EN`` and ``ZH``,
keyed by dotted names such as ``"train.epochs.help"``. They are discovered
automatically and merged here. Pages and error messages call :func:`tr`; a
test checks both languages hold exactly the same keys and ``{placeholders}``.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any

LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}


def _load_tables() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {"en": {}, "zh": {}}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):  # ``__main__`` is the stamp tool, not a table
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for lang, attr in (("en", "EN"), ("zh", "ZH")):
            table = getattr(module, attr, {})
            clash = tables[lang].keys() & table.keys()
            if clash:
                raise RuntimeError(f"i18n keys defined twice ({info.name}): {sorted(clash)}")
            tables[lang].update(table)
    return tables


TABLES: dict[str, dict[str, str]] = _load_tables()


class _KeepMissing(dict):
    """Leave an unknown ``{name}`` as it is instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def tr(key: str, lang: str = "en", **params: Any) -> str:
    """Return the text for ``key`` in ``lang``, with ``params`` filled in.

    Falls back to English, then to the key itself, so a missing string shows
    up as its key rather than crashing a page (the i18n test catches it).
    """
    text = TABLES.get(lang, TABLES["en"]).get(key) or TABLES["en"].get(key) or key
    return text.format_map(_KeepMissing(params)) if params else text
