"""The one exception a student ever sees.

Every refusal in ``lstm_viz`` raises :class:`LensError` with a message key and
the numbers that explain it. ``str(err)`` is the English sentence; pages render
``lstm_viz.i18n.tr(err.key, lang, **err.params)`` so the same refusal reads in
any supported language. Messages say what is wrong and what to do.
"""
from __future__ import annotations

from typing import Any


class LensError(ValueError):
    """Refuse an input or a setting with a message a student understands.

    Parameters
    ----------
    key : str
        Message key in ``lstm_viz.i18n`` (for example ``"data.empty"``).
    **params
        Values interpolated into the message (``{n}``-style placeholders).
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """Return the human message in ``lang`` (falls back to English)."""
        from lstm_viz.i18n import tr  # local: i18n imports nothing heavy, but keep errors import-light

        return tr(self.key, lang, **self.params)
