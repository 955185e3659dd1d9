"""The file uploader's own words ("Upload", "20MB per file") in the reader's language.

Streamlit 1.67 draws these two texts in English whatever the app's language, and
``st.file_uploader`` has no parameter for them (streamlit/streamlit#13500 asks
for one; PR #10042 that added ``browseButtonText`` was closed unmerged). Until
it does, a style sheet hides the English text and draws ours in its place with
``::after``: the button stays the real button, only its label changes.
"""
from __future__ import annotations

import streamlit as st

from pages.ui.state import lang, t

DROPZONE = '[data-testid="stFileUploaderDropzone"]'
BUTTON_TEXT = f'{DROPZONE} button [data-testid="stMarkdownContainer"] p'
LIMIT_TEXT = '[data-testid="stFileUploaderDropzoneInstructions"] span'


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def localize_uploaders() -> None:
    """Put the uploader's button label and size limit in the current language (English is Streamlit's own)."""
    if lang() == "en":
        return
    limit_mb = int(st.get_option("server.maxUploadSize"))
    button, limit = t("faults.uploader.button"), t("faults.uploader.limit", mb=limit_mb)
    # font-size 0 hides the English text but keeps the element (and its click target) in place.
    st.html(
        "<style>"
        f"{BUTTON_TEXT}, {LIMIT_TEXT} {{ font-size: 0 !important; }}"
        f"{BUTTON_TEXT}::after {{ content: {_css_string(button)}; font-size: 14px; }}"
        f"{LIMIT_TEXT}::after {{ content: {_css_string(limit)}; font-size: 14px; }}"
        "</style>"
    )
