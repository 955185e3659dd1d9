"""The Units page in a simulated session: ranked units, the search shaded on the chart, a unit switched off; both languages."""
from __future__ import annotations

import json

import numpy as np
import pytest

from lstm_viz import units
from lstm_viz.i18n import TABLES
from lstm_viz.numbers import format_number
from tests.app_session import fresh, tiny_settings, trained_session, wait_until_trained

PAGE = "pages/units.py"


@pytest.fixture(scope="module")
def at():
    session = trained_session()  # 4 hidden units, 4 epochs on the airline sample
    session.switch_page(PAGE).run()
    return session


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_without_a_model_the_page_points_to_training():
    session = fresh()
    session.switch_page(PAGE).run()
    assert not session.exception
    assert session.info[0].value == TABLES["en"]["page.units.no_model"]


def test_the_page_ranks_every_unit_and_says_a_correlation_is_no_explanation(at):
    assert not at.exception and not at.error
    ws = at.session_state["ws"]
    table = at.dataframe[0].value
    assert len(table) == ws.run.cfg.hidden_size == 4
    assert sorted(table.iloc[:, 0]) == [0, 1, 2, 3]
    # The table's order is the engine's ranking over the replayed series.
    ranked = at.session_state["units.described"][-1]
    assert list(table.iloc[:, 0]) == [d.unit for d in ranked]
    assert "not an explanation" in at.info[0].value


def test_the_search_shades_the_range_and_its_matches_on_every_row(at):
    lines, ablation = charts(at)[:2]
    picked = at.multiselect(key="units.pick").value
    assert len(picked) == 2
    n_rows = 3  # the series, h, c
    shapes = [s for s in lines["layout"]["shapes"] if s["type"] == "rect"]
    matches = len(shapes) // n_rows - 1  # every match and the query, once per row
    assert len(shapes) == n_rows * (matches + 1)
    # The page's words agree with the engine, run here on the same replayed trace.
    h = at.session_state["units.described"][3]
    labels = at.select_slider(key="units.range").options
    first, last = (labels.index(label) for label in at.select_slider(key="units.range").value)
    tolerance = at.slider(key="units.tolerance").value
    expected = units.find_similar(h[:, picked], first, last + 1, max_distance=tolerance,
                                  earliest=at.session_state["ws"].run.split.window)
    assert matches == len(expected)
    assert len(ablation["data"]) == 3  # actual, with the unit, without it


def test_threshold_mode_a_range_and_one_unit(at):
    at.segmented_control(key="units.mode").set_value("threshold").run()
    at.slider(key="units.threshold").set_value(0.1).run()
    at.select_slider(key="units.range").set_value(("1950-09-01", "1951-04-01")).run()  # steps 20 … 27
    at.multiselect(key="units.pick").set_value([1]).run()
    assert not at.exception
    assert at.select_slider(key="units.range").value == ("1950-09-01", "1951-04-01")  # kept through the next run
    assert "of 8 steps" in " ".join(c.value for c in at.caption)
    lines = charts(at)[0]
    assert [d["name"] for d in lines["data"] if d.get("showlegend") is not False] == ["unit 1"]
    at.multiselect(key="units.pick").set_value([]).run()
    assert not at.exception
    assert TABLES["en"]["page.units.pick_some"] in [i.value for i in at.info]


def test_switching_a_unit_off_shows_both_errors(at):
    ws = at.session_state["ws"]
    at.selectbox(key="units.ablate").set_value(2).run()
    at.segmented_control(key="units.ablate_kind").set_value("recursive").run()
    assert not at.exception
    result = units.ablate(ws.run.model, ws.run.split, 2)
    assert [m.value for m in at.metric] == [format_number(v) for v in result.rmse_recursive]
    ablation = charts(at)[-1]
    assert np.isfinite(result.rmse_recursive).all() and len(ablation["data"]) == 3


def test_the_page_in_chinese(at):
    at.segmented_control(key="lang").set_value("zh").run()
    at.multiselect(key="units.pick").set_value([0, 3]).run()
    assert not at.exception and not at.error
    assert at.title[0].value == TABLES["zh"]["page.units.title"]
    assert "相关不等于解释" in at.info[0].value
    assert charts(at)[0]["layout"]["title"]["text"] == TABLES["zh"]["fig.units.title"].format(units="单元 0, 单元 3")
    at.segmented_control(key="lang").set_value("en").run()


def test_a_two_layer_model_picks_its_layer_and_switches_off_a_lower_unit():
    session = fresh()
    session.button(key="home.start").click().run()
    tiny_settings(session)
    session.slider(key="train.num_layers").set_value(2).run()
    session.button(key="train.go").click().run()
    wait_until_trained(session)
    session.switch_page(PAGE).run()
    assert not session.exception and session.selectbox(key="units.layer").value == 1  # the top layer first
    session.selectbox(key="units.layer").set_value(0).run()
    session.selectbox(key="units.ablate").set_value(1).run()
    assert not session.exception and not session.error
    ws = session.session_state["ws"]
    result = units.ablate(ws.run.model, ws.run.split, 1, layer=0)
    assert [m.value for m in session.metric] == [format_number(v) for v in result.rmse_one_step]


def test_choices_left_from_another_model_fall_back_quietly(at):
    """A range of another series' dates, or a unit the new model does not have: defaults, never an exception."""
    at.session_state["units.range"] = ("2001-01-01", "2001-06-01")
    at.session_state["units.pick"] = [0, 99]
    at.run()
    assert not at.exception and not at.error
    assert at.select_slider(key="units.range").value == ("1959-01-01", "1959-12-01")  # the last season before the test
    assert at.multiselect(key="units.pick").value == [0]
