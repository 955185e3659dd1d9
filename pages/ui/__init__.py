"""What every page shares: routing, the sidebar, session state and small rendering helpers.

This package imports Streamlit; the engine (``lstm_viz``) never does.
"""
