"""The LSTM Lens pages: one thin Streamlit script per page, plus the shared shell in ``pages.ui``.

``app.py`` routes with ``st.navigation`` over the registry in
``pages/ui/nav.py``; to add a page, see that module's docstring.
"""
