"""The live Train view refreshes its figures in place: the result must equal a figure built afresh."""
from __future__ import annotations


import plotly.io as pio
import pytest

from lstm_viz import figures
from lstm_viz import workspace
from pages.ui import charts


@pytest.fixture(scope="module")
def run():
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    return workspace.train_to_end(ws, workspace.recommended_config(ws.dataset).replace(hidden_size=6, epochs=12))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refreshed_loss_figure_equals_a_new_one(run, lang):
    epochs, train, val = run.trainer.losses()
    early = figures.loss_figure(epochs[:5], train[:5], val[:5], lang=lang)
    assert charts._refresh_loss(early, epochs, train, val, lang)
    assert pio.to_json(early) == pio.to_json(figures.loss_figure(epochs, train, val, lang=lang))


def test_a_refreshed_forecast_figure_equals_a_new_one(run):
    split, axis = run.split, run.dataset.series.axis()
    pred = workspace.live_predictions(run)
    stale = figures.forecast_figure(axis, split.values, split.n_train, fitted=pred.fitted * 0, test_pred=pred.test * 0,
                                    window=split.window)
    names = {"fitted (train)": pred.fitted, "one step ahead (test)": pred.test}
    assert charts._refresh_named(stale, names)
    fresh = figures.forecast_figure(axis, split.values, split.n_train, fitted=pred.fitted, test_pred=pred.test,
                                    window=split.window)
    assert pio.to_json(stale) == pio.to_json(fresh)


def test_a_refreshed_gates_figure_equals_a_new_one(run):
    first = run.snapshots[0].trace.layer(-1)
    view = workspace.gate_trace(None, 0, run=run)
    last = view.trace.layer(-1)
    stale = figures.gates_figure(first, view.inputs, time=view.axis, animate=False, row_height=charts.LIVE_ROW_PX)
    assert charts._refresh_gates(stale, last)
    fresh = figures.gates_figure(last, view.inputs, time=view.axis, animate=False, row_height=charts.LIVE_ROW_PX)
    # The cell state's bar axis follows the new values too, as a fresh build sizes it.
    assert pio.to_json(stale) == pio.to_json(fresh)


def test_a_figure_of_another_shape_is_rebuilt(run):
    epochs, train, val = run.trainer.losses()
    empty = figures.loss_figure(epochs[:0], train[:0], val[:0])  # no best-validation star yet
    assert not charts._refresh_loss(empty, epochs, train, val, "en")
