"""LSTM Lens: watch an LSTM's gates while it learns a time series.

Run ``streamlit run app.py``. This file only routes: the page registry,
the sidebar and the routing rules live in ``pages/ui/nav.py``.
"""
from pages.ui.nav import run_app

run_app()
