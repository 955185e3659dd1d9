"""Several input columns through the pages (AppTest): Seattle weather, temp_max from its own past and three covariates."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lstm_viz import workspace
from lstm_viz.i18n import TABLES
from tests.app_session import fresh, tiny_settings, wait_until_trained

COVARIATES = ["temp_min", "precipitation", "wind"]
INPUTS = ["temp_max", *COVARIATES]


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def input_lines(fig: dict) -> list[str]:
    """The names of the lines drawn in a gate figure's input row (its first subplot: axes x, y)."""
    return [trace["name"] for trace in fig["data"]
            if trace.get("type") == "scatter" and trace.get("yaxis", "y") == "y" and trace.get("xaxis", "x") == "x"]


@pytest.fixture(scope="module")
def weather() -> AppTest:
    """Data page: the Seattle sample, target temp_max, three other inputs; then a tiny model trained on them."""
    at = fresh()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="data.sample").set_value("seattle").run()
    at.button(key="data.load_sample").click().run()
    at.selectbox(key="data.target").set_value("temp_max").run()
    at.multiselect(key="data.inputs").set_value(COVARIATES).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    ws = at.session_state["ws"]
    assert ws.dataset.input_names == tuple(INPUTS)
    at.switch_page("pages/train.py").run()
    tiny_settings(at, epochs=3)
    at.button(key="train.go").click().run()
    wait_until_trained(at)
    assert not at.exception
    return at


def test_a_model_trains_on_four_inputs_and_every_page_draws_them(weather):
    at = weather
    ws = at.session_state["ws"]
    run = ws.run
    assert run.cfg.input_size == 4 and run.split.X_train.shape[2] == 4 and run.epochs_done == 3
    assert run.input_names == tuple(INPUTS)

    at.switch_page("pages/gates.py").run()
    assert not at.exception and not at.error
    time_fig, training_fig = specs(at)[:2]
    for fig in (time_fig, training_fig):
        assert input_lines(fig) == INPUTS  # one named line per input, the target first

    at.switch_page("pages/one_cell.py").run()
    assert not at.exception and not at.error
    latex = "\n".join(e.value for e in at.get("latex"))
    assert r"W_x" in latex and all(name.replace("_", r"\_") in latex for name in INPUTS)

    at.switch_page("pages/forecast.py").run()
    assert not at.exception and not at.error
    note = TABLES["en"]["inputs.forecast_note"].split("{covariates}")[0]
    assert any(note in i.value and "temp\\_min" in i.value for i in at.info)
    assert len(workspace.forecast(ws).result.future) == 1  # one step past the data: the covariates' future is unknown

    at.switch_page("pages/train.py").run()  # the live view's gate figure, now the run is over
    assert not at.exception
    assert any(input_lines(fig) == INPUTS for fig in specs(at))

    at.switch_page("pages/units.py").run()  # the units replayed on all four inputs, compared with the target
    assert not at.exception and not at.error
    assert at.dataframe[0].value.shape[0] == run.cfg.hidden_size  # one row per unit

    # The downloads of this very run carry one column per input.
    predictions = pd.read_csv(io.BytesIO(workspace.predictions_file(ws, run)))
    traces = pd.read_csv(io.BytesIO(workspace.traces_file(ws, run)))
    for table in (predictions, traces):
        assert [c for c in table.columns if c.startswith("input_")] == [f"input_{n}" for n in (
            COVARIATES if table is predictions else INPUTS)]

    at.switch_page("pages/runs.py").run()  # the run kept, its inputs named where runs differ
    assert not at.exception and not at.error
    assert ws.kept_runs.of(run.run_id).input_names == tuple(INPUTS)


def test_a_model_file_with_other_inputs_is_refused_and_the_choice_is_reversible(weather):
    at = weather
    ws = at.session_state["ws"]
    run = ws.run
    saved = workspace.model_file(run)
    at.switch_page("pages/data.py").run()
    at.multiselect(key="data.inputs").set_value([]).run()  # back to the target alone: the model stays
    assert not at.exception and ws.dataset.input_names == ("temp_max",) and ws.run is run
    at.switch_page("pages/gates.py").run()
    stale = TABLES["en"]["inputs.stale"].split("{model}")[0]
    assert any(stale in i.value for i in at.info)  # the pictures say they are the model's, not the choice's

    at.switch_page("pages/downloads.py").run()
    at.file_uploader(key="downloads.model_upload").set_value(("model.pt", saved, "application/octet-stream")).run()
    assert not at.exception
    refusal = TABLES["en"]["safety.model_inputs"].split("{input_size}")[0]
    assert any(refusal in e.value and "Your current model is kept" in e.value for e in at.error)
    assert ws.run is run

    at.switch_page("pages/data.py").run()
    at.multiselect(key="data.inputs").set_value(COVARIATES).run()  # the same inputs again: the file loads
    at.switch_page("pages/downloads.py").run()
    at.file_uploader(key="downloads.model_upload").set_value(("again.pt", saved, "application/octet-stream")).run()
    assert not at.exception and not at.error
    assert ws.run is not run and ws.run.loaded and ws.run.input_names == tuple(INPUTS)


def test_the_compare_page_compares_cells_on_the_target_alone(weather):
    """RNN vs GRU vs LSTM read the target's past only, even when the current model reads covariates."""
    from tests.test_app_teach import wait_for

    at = weather
    at.switch_page("pages/data.py").run()
    at.multiselect(key="data.inputs").set_value(COVARIATES).run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception and not at.error
    at.number_input(key="compare.epochs").set_value(1).run()
    at.button(key="compare.run").click().run()
    wait_for(at, "compare.job")
    assert not at.exception and not at.error
    _, outcome = at.session_state["compare.result"]
    assert [r.cell for r in outcome.results] == ["rnn", "gru", "lstm"]
