"""The screen rules (pages/ui/screen.py) are literal CSS and JS: check they say what the constants say."""
from __future__ import annotations

import re

import pytest

from lstm_viz.figures.style import COLOURS
from pages.ui import screen


def test_every_wrap_width_has_its_rule():
    for rem in screen.WRAP_REM:
        key = screen.wrap_key(rem, "x")
        prefix = key.removesuffix("x")
        assert f'[class*="st-key-{prefix}"] [data-testid="stColumn"] {{ min-width: min(100%, {rem}rem)' in screen.STYLE
    assert sorted(int(r) for r in re.findall(r"st-key-wrap_(\d+)_", screen.STYLE)) == sorted(screen.WRAP_REM * 2)
    with pytest.raises(ValueError):
        screen.wrap_key(15, "x")
    assert screen.pairs_key("m").startswith("pairs_") and '[class*="st-key-pairs_"]' in screen.STYLE


def test_the_rules_agree_with_the_app():
    assert f':has(> .st-key-{screen.HOLDER}) {{ display: none; }}' in screen.STYLE
    assert f'tspan[style*="{COLOURS["muted_text"]}"]' in screen.STYLE  # the gate rows' hints
    assert f"window.innerWidth >= {screen.MOBILE_PX}" in screen.CLOSE_SIDEBAR_JS
