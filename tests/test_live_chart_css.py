"""The live charts' stacking rules, written out as one literal, match the charts and slots they style."""
from __future__ import annotations

import itertools

from pages.ui import charts


def expected_rules() -> list[str]:
    """All slots of a live chart in one grid cell; the marker ``top<a><b>`` raises slot a, then slot b.

    Streamlit wraps each block in an element container: the grid items (and so what z-index moves)
    are those wrappers, the direct children of the chart's block, each holding one slot.
    """
    rules = []
    for key in charts.LIVE_CHART_KEYS:
        css = f".st-key-{key.replace('.', '-')}"
        rules += [f"{css} {{display: grid; grid-template-columns: minmax(0, 1fr);}}",
                  f"{css} > div {{grid-area: 1 / 1; width: 100%; min-width: 0;}}"]
        for top, mid in itertools.permutations(range(charts.LIVE_SLOTS), 2):
            marker = f"{css}-top{top}{mid}"
            rules += [f"{marker} {{display: none;}}",
                      f"{css}:has({marker}) > div:has({css}-slot{top}) {{z-index: 2;}}",
                      f"{css}:has({marker}) > div:has({css}-slot{mid}) {{z-index: 1;}}"]
    return rules


def test_the_written_out_rules_cover_every_live_chart_and_order_of_its_slots():
    assert charts.LIVE_CHART_STYLE == "<style>\n" + "\n".join(expected_rules()) + "\n</style>"
