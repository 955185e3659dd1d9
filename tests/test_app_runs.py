"""The Runs page and the Gates page's "compare with run" in a simulated browser session (AppTest)."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from lstm_viz.i18n import TABLES
from lstm_viz.recorder import record
from tests.app_session import fresh, tiny_settings, wait_until_trained

EN, ZH = TABLES["en"], TABLES["zh"]


@pytest.fixture(scope="module")
def two_runs():
    """Home → the airline sample → Train with 4 hidden units, then with 8 (a moment each)."""
    at = fresh()
    at.button(key="home.start").click().run()
    tiny_settings(at)
    at.button(key="train.go").click().run()
    wait_until_trained(at)
    at.number_input(key="train.hidden_size").set_value(8).run()
    at.button(key="train.go").click().run()
    wait_until_trained(at)
    assert not at.exception
    return at


def array(data) -> np.ndarray:
    """A Plotly array from a figure's JSON: a list, or base64 typed-array bytes."""
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), np.dtype(data["dtype"]))
    return np.asarray(data)


def charts(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_both_runs_are_in_the_table_with_their_settings_and_the_overlay_has_both_curves(two_runs):
    at = two_runs
    at.switch_page("pages/runs.py").run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table[EN["page.runs.col.run"]]) == ["Run 1 · LSTM 4 units", "Run 2 · LSTM 8 units"]
    assert list(table[EN["history.setting.hidden_size"]]) == ["4", "8"]
    assert list(table[EN["page.runs.col.epochs"]]) == ["4 / 4", "4 / 4"]
    assert list(table[EN["page.runs.col.current"]]) == [False, True]
    assert all(table[EN["page.runs.col.test_rmse"]] != "")
    # What changed: the hidden size, and only it.
    changed = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert changed == ["- **Hidden size**: 4 (run 1) · 8 (run 2)"]
    loss, forecast = charts(at)
    names = [trace["name"] for trace in loss["data"]]
    assert {"Run 1 · LSTM 4 units: training", "Run 2 · LSTM 8 units: training"} <= set(names)
    ws = at.session_state["ws"]
    for trace, kept in zip([t for t in loss["data"] if t["name"].endswith(": training")], ws.kept_runs.runs):
        assert kept.epochs_done == 4
        np.testing.assert_allclose(array(trace["y"]), kept.train_loss, rtol=1e-6)
    assert [trace["name"] for trace in forecast["data"]][1:] == ["Run 1 · LSTM 4 units", "Run 2 · LSTM 8 units"]


def test_pin_a_refused_pin_and_unpin_from_the_page(two_runs):
    at = two_runs
    at.switch_page("pages/runs.py").run()
    at.selectbox(key="runs.manage").set_value(1).run()
    at.button(key="runs.pin").click().run()
    ws = at.session_state["ws"]
    assert ws.kept_runs.get(1).pinned and not at.exception
    assert list(at.dataframe[0].value[EN["page.runs.col.pinned"]]) == [True, False]
    ws.kept_runs.max_pinned = 1
    at.selectbox(key="runs.manage").set_value(2).run()
    at.button(key="runs.pin").click().run()  # one pin is the limit here: a message, nothing changes
    assert not at.exception and any("pinned" in e.value for e in at.error)
    assert not ws.kept_runs.get(2).pinned
    ws.kept_runs.max_pinned = 3
    at.selectbox(key="runs.manage").set_value(1).run()
    at.button(key="runs.pin").click().run()  # unpin again
    assert not ws.kept_runs.get(1).pinned


def test_gates_compare_with_another_run_on_the_same_window(two_runs):
    at = two_runs
    at.switch_page("pages/gates.py").run()
    alone = len(at.get("plotly_chart"))
    at.selectbox(key="gates.compare").set_value(1).run()
    assert not at.exception and len(at.get("plotly_chart")) == alone + 2
    heat = [c for c in charts(at) if c["layout"]["title"]["text"]][1:3]  # after the animated one: this, other
    heatmaps = [[trace for trace in fig["data"] if trace.get("type") == "heatmap"] for fig in heat]
    assert [len(array(rows[0]["y"])) for rows in heatmaps] == [8, 4]  # this model's 8 units beside run 1's 4
    # Run 1's picture is the recorder on run 1's weights, on the same test window as this model's.
    kept = at.session_state["ws"].kept_runs.get(1)
    expected = record(kept.model.core, np.ascontiguousarray(kept.split.X_test[:, 0], np.float32)).layer(-1)
    drawn = {trace["name"]: array(trace["z"]).reshape(4, -1) for trace in heatmaps[1]}
    for name in ("f", "i", "o", "h"):
        np.testing.assert_allclose(drawn[name], expected[name].T, rtol=1e-6, atol=1e-7)
    at.selectbox(key="gates.compare").set_value(None).run()


def test_the_downloads_name_the_run(two_runs):
    at = two_runs
    at.switch_page("pages/downloads.py").run()
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels and all("_run2_lstm8_" in label for label in labels)


def test_chinese_runs_page_and_an_empty_one(two_runs):
    at = two_runs
    at.segmented_control(key="lang").set_value("zh").run()
    at.switch_page("pages/runs.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == ZH["page.runs.title"]
    assert list(at.dataframe[0].value[ZH["page.runs.col.run"]]) == ["第 1 次训练 · LSTM 4 个单元",
                                                                   "第 2 次训练 · LSTM 8 个单元"]
    at.switch_page("pages/gates.py").run()
    at.selectbox(key="gates.compare").set_value(1).run()
    assert not at.exception
    at.segmented_control(key="lang").set_value("en").run()
    empty = fresh()
    empty.switch_page("pages/runs.py").run()
    assert not empty.exception and empty.info[0].value == EN["page.runs.none"]


def test_delete_from_the_page_keeps_the_current_model(two_runs):  # last: the other tests compare with run 1
    at = two_runs
    ws = at.session_state["ws"]
    current = ws.run
    at.switch_page("pages/runs.py").run()
    at.selectbox(key="runs.manage").set_value(1).run()
    at.button(key="runs.delete").click().run()
    assert not at.exception and ws.run is current
    assert [kept.number for kept in ws.kept_runs.runs] == [2]
    assert list(at.dataframe[0].value[EN["page.runs.col.run"]]) == ["Run 2 · LSTM 8 units"]
    assert any(s.value == EN["page.runs.deleted"].format(n=1) for s in at.success)
    assert at.info[0].value == EN["page.runs.pick_two"]  # one run left: nothing to compare
