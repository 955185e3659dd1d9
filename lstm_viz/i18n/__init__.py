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
import re
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


# "{n} [[point|points]]": the word after a number agrees with it (English; Chinese has no plurals).
_PLURAL = re.compile(r"\[\[([^|\]]*)\|([^|\]]*)\]\]")
_LAST_FIELD = re.compile(r"\{([a-z_][a-z0-9_]*)[^{}]*\}[^{]*$")


def _agree(text: str, params: dict[str, Any]) -> str:
    """Replace each ``[[one|many]]`` by the form that fits the number in the placeholder just before it."""
    def form(match: re.Match) -> str:
        before = _LAST_FIELD.search(text, 0, match.start())
        value = params.get(before.group(1)) if before else None
        try:
            return match.group(1) if value is not None and float(str(value).replace(",", "")) == 1 else match.group(2)
        except ValueError:
            return match.group(2)

    return _PLURAL.sub(form, text)


def tr(key: str, lang: str = "en", **params: Any) -> str:
    """Return the text for ``key`` in ``lang``, with ``params`` filled in.

    Falls back to English, then to the key itself, so a missing string shows
    up as its key rather than crashing a page (the i18n test catches it).
    A ``[[one|many]]`` after a placeholder becomes ``one`` when that number is 1.
    """
    text = TABLES.get(lang, TABLES["en"]).get(key) or TABLES["en"].get(key) or key
    if "[[" in text:
        text = _agree(text, params)
    return text.format_map(_KeepMissing(params)) if params else text
