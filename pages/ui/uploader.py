"""The file uploader's own words ("Upload", "20MB per file") in the reader's language.

Streamlit 1.67 draws these two texts in English whatever the app's language, and
``st.file_uploader`` has no parameter for them (streamlit/streamlit#13500 asks
for one; PR #10042 that added ``browseButtonText`` was closed unmerged). Until
it does, a style sheet hides the English text and draws ours in its place with
``::after``: the button stays the real button, only its label changes.

Raw HTML on a page must be a literal (tests/test_safety.py), so the Chinese
style sheet is written out here; tests/test_app_faults.py checks its two texts
against ``faults.uploader.*`` and ``server.maxUploadSize``.
"""
from __future__ import annotations

import streamlit as st

from pages.ui.state import lang

# font-size 0 hides the English text but keeps the element (and its click target) in place.
ZH_STYLE = (
    "<style>"
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,'
    '[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0 !important; }'
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after'
    ' { content: "上传"; font-size: 14px; }'
    '[data-testid="stFileUploaderDropzoneInstructions"] span::after'
    ' { content: "每个文件不超过 20 MB"; font-size: 14px; }'
    "</style>"
)


def localize_uploaders() -> None:
    """Put the uploader's button label and size limit in the current language (English is Streamlit's own)."""
    if lang() == "zh":
        st.html(ZH_STYLE)
