"""The live charts: the stacking rules, written out as one literal, match the charts and slots they style, and a
redraw remounts only the slot it must (a remounted chart is blank until the browser draws it)."""
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



def stack_script():
    """A page drawing one live chart: figure number ``fig`` from session state, live or not."""
    import plotly.graph_objects as go
    import streamlit as st

    from pages.ui import charts

    n = st.session_state.get("fig", 0)
    charts.plot_live(go.Figure(go.Scatter(y=list(range(n + 2)))), "train.loss_chart", st.session_state.get("live", True))


def redraw(at, fig: int, live: bool = True) -> tuple[list[str], str]:
    """Redraw with figure ``fig``; return each slot's spec and the marker naming the top two slots."""
    at.session_state["fig"], at.session_state["live"] = fig, live
    at.run(timeout=30)
    assert not at.exception
    ids = []
    def walk(node):
        for child in getattr(node, "children", {}).values():
            ids.append(str(getattr(getattr(child, "proto", None), "id", "")))
            walk(child)
    walk(at._tree)
    marker = next(i for i in ids if "top" in i)
    return list(at.session_state["_live_buffers"]["train.loss_chart"]["specs"]), marker


def top_two(marker: str) -> tuple[int, int]:
    """The slots a marker ``…top<a><b>`` raises: a on top, b under it."""
    return int(marker[-2]), int(marker[-1])


def test_a_live_chart_remounts_one_slot_per_new_figure_and_none_when_the_figure_is_unchanged():
    """A slot's spec is its chart's identity in Streamlit: a changed spec is a fresh chart, blank until drawn.

    While live, a new figure takes one slot, under the figure before it; a redraw with no new figure
    raises the newest and remounts nothing (remounting the slots under it blanked the whole chart in a
    browser that had not drawn the newest yet); once the run has ended a new figure goes on top.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(stack_script)
    before, _ = redraw(at, 1)
    newest = next(k for k, spec in enumerate(before) if spec is not None)
    for fig in (2, 3, 4):
        after, marker = redraw(at, fig)
        changed = [k for k, (a, b) in enumerate(zip(before, after)) if a != b]
        assert changed == [top_two(marker)[1]], (fig, changed, marker)  # the new figure, in one slot, under
        assert top_two(marker)[0] == newest  # the figure before it stays on top
        newest, before = changed[0], after
    same, marker = redraw(at, 4)  # no epoch ended since
    assert same == before and top_two(marker)[0] == newest
    last, marker = redraw(at, 5, live=False)  # the run has ended: no redraw will follow
    changed = [k for k, (a, b) in enumerate(zip(same, last)) if a != b]
    assert len(changed) == 1 and top_two(marker)[0] == changed[0]
