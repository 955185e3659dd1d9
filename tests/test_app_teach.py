"""The teaching pages in a simulated browser session: one cell by hand, RNN vs GRU vs LSTM, many in / many out."""
from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_viz import synthetic
from lstm_viz.cell_step import tiny_worked_example
from lstm_viz.i18n import TABLES
from lstm_viz.recorder import record
from tests.app_session import fresh, trained_session

TEACH_PAGES = ("pages/one_cell.py", "pages/compare.py", "pages/many_to_many.py")


def wait_for(at: AppTest, key: str, seconds: float = 60) -> None:
    """Wait for the page's background job ``key`` to end, then redraw (the page collects its result).

    A short job can end within the click's own script run, which already
    collected it: then there is nothing left to wait for.
    """
    if key in at.session_state:
        job = at.session_state[key]
        assert job.wait(seconds), f"{key} still running"
        at.run()
    assert key not in at.session_state


@pytest.fixture(scope="module")
def trained() -> AppTest:
    """Home → the airline sample → a tiny model (4 units, 4 epochs) trained to the end."""
    at = trained_session()
    assert at.session_state["ws"].run.epochs_done == 4
    return at


def agreement(at: AppTest) -> dict[tuple[str, int], tuple[float, float]]:
    """Read the one-cell page's table: (state, unit) -> (by hand, recorder)."""
    table = at.dataframe[0].value
    en = TABLES["en"]
    return {(row[en["page.one_cell.col.state"]], int(row[en["page.one_cell.col.unit"]])):
            (row[en["page.one_cell.col.by_hand"]], row[en["page.one_cell.col.recorder"]])
            for _, row in table.iterrows()}


def test_every_teaching_page_opens_in_a_fresh_session():
    at = fresh()
    for page in TEACH_PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, page


def test_the_tiny_example_shows_the_recorders_numbers():
    at = fresh()
    at.switch_page("pages/one_cell.py").run()
    assert TABLES["en"]["page.one_cell.no_model"] in [i.value for i in at.info]
    ex = tiny_worked_example()
    trace = record(ex.core, ex.x_seq, ex.h0, ex.c0).layer(0)
    shown = agreement(at)
    assert len(shown) == 6 * 3  # every gate and state of every unit
    for (name, unit), (by_hand, recorder) in shown.items():
        assert recorder == pytest.approx(float(trace[name][0, unit]), abs=1e-7)
        assert by_hand == pytest.approx(recorder, abs=1e-5)
    assert len(at.get("latex")) == 11  # z, four gates with their pre-activations, c and h
    assert "0.100" in at.get("latex")[0].value and "0.800" in at.get("latex")[0].value


def test_one_cell_of_the_trained_model_equals_the_recorded_trace(trained):
    at = trained
    at.switch_page("pages/one_cell.py").run()
    assert not at.exception and not at.error
    at.selectbox(key="one_cell.window").set_value(1)
    at.slider(key="one_cell.t").set_value(5)
    at.selectbox(key="one_cell.unit").set_value(2)
    at.run()
    assert not at.exception
    run = at.session_state["ws"].run
    trace = record(run.model.core, run.split.X_test[:, 1]).layer(0)
    shown = agreement(at)
    assert set(shown) == {(name, 2) for name in "ifgoch"}
    for (name, unit), (by_hand, recorder) in shown.items():
        assert recorder == pytest.approx(float(trace[name][5, unit]), abs=1e-7)
        assert by_hand == pytest.approx(recorder, abs=1e-5)
    recorder_notes = [m.value for m in at.markdown if m.value.startswith("The recorder says")]
    assert len(recorder_notes) == 6 and f"{trace['h'][5, 2]:.3f}" in recorder_notes[-1]


def test_the_compare_page_trains_three_cells_and_the_spike_task(trained, monkeypatch):
    at = trained
    at.switch_page("pages/compare.py").run()
    assert not at.exception and not at.error
    assert at.number_input(key="compare.hidden_size").value == 4  # from the current run
    at.number_input(key="compare.epochs").set_value(3).run()
    at.button(key="compare.run").click().run()
    assert not at.exception
    wait_for(at, "compare.job")
    assert not at.exception and not at.error
    _, outcome = at.session_state["compare.result"]
    assert [r.cell for r in outcome.results] == ["rnn", "gru", "lstm"]
    assert all(r.epochs.size == 3 for r in outcome.results) and set(outcome.flow) == {"rnn", "gru", "lstm"}
    assert len(at.dataframe[0].value) == 3
    assert at.session_state["ws"].run.epochs_done == 4  # the student's own model is untouched

    monkeypatch.setattr(synthetic, "TASK_STEPS", 10)  # the page reads it at the click: a tiny budget
    at.select_slider(key="compare.task.lag").set_value(5).run()
    at.button(key="compare.task.run").click().run()
    wait_for(at, "compare.task.job")
    assert not at.exception and not at.error
    settings, found = at.session_state["compare.task.result"]
    assert settings["lags"] == (5,) and {cell for cell, _ in found} == {"rnn", "gru", "lstm"}
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any(TABLES["en"]["teach.fig.grad.title"] in title for title in titles)


def test_a_refused_comparison_keeps_the_previous_results(trained):
    at = trained
    at.switch_page("pages/compare.py").run()
    before = at.session_state["compare.result"]
    at.number_input(key="compare.hidden_size").set_value(512)
    at.number_input(key="compare.epochs").set_value(5000)
    at.run()
    at.button(key="compare.run").click().run()
    assert not at.exception
    assert at.error and "(60 s)" in at.error[0].value
    assert "compare.job" not in at.session_state and at.session_state["compare.result"] is before

    # A long comparison can be cancelled; the earlier results stay. (Its three cells together fit the
    # budget: 3 x 5000 epochs did not, once the windows predicted every epoch were counted.)
    at.number_input(key="compare.hidden_size").set_value(4)
    at.number_input(key="compare.epochs").set_value(3000)
    at.run()
    at.button(key="compare.run").click().run()
    at.button(key="compare.job.cancel").click().run()
    if "compare.job" in at.session_state:  # else the job ended, and was collected, within the click's own run
        wait_for(at, "compare.job")
    assert TABLES["en"]["jobs.cancelled"] in [i.value for i in at.info]
    assert at.session_state["compare.result"] is before


def test_many_to_many_runs_with_tiny_settings_on_the_sample_and_on_the_students_data(trained):
    at = trained
    at.switch_page("pages/many_to_many.py").run()
    assert not at.exception and not at.error
    assert at.number_input(key="m2m.n_in").value == 18 and at.number_input(key="m2m.n_out").value == 18
    for key, value in (("m2m.n_in", 12), ("m2m.n_out", 6), ("m2m.hidden_size", 4), ("m2m.epochs", 2)):
        at.number_input(key=key).set_value(value)
    at.toggle(key="m2m.bidirectional").set_value(True)
    at.run()
    at.button(key="m2m.run").click().run()
    wait_for(at, "m2m.job")
    assert not at.exception and not at.error
    _, result = at.session_state["m2m.result"]
    assert set(result.rmse) == {"direct", "decoder", "recursive"} and result.leads.tolist() == list(range(1, 7))
    at.segmented_control(key="m2m.gates_model").set_value("decoder").run()
    assert not at.exception
    gate_charts = [c for c in at.get("plotly_chart") if c.proto.id and "m2m.gates" in c.proto.id]
    assert len(gate_charts) == 3  # encoder forwards and backwards, decoder

    # The student's airline series: N and M from its window and horizon; too long an N is refused kindly.
    at.segmented_control(key="m2m.source").set_value("data").run()
    assert at.number_input(key="m2m.n_in").value == 12
    at.number_input(key="m2m.n_in").set_value(240).run()
    at.button(key="m2m.run").click().run()
    assert not at.exception and at.error
    assert at.session_state["m2m.result"][1] is result  # the earlier comparison stays


def test_the_teaching_pages_render_in_chinese(trained):
    at = trained
    at.segmented_control(key="lang").set_value("zh").run()
    for page in TEACH_PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
    assert at.title[0].value == TABLES["zh"]["teach.seq2seq.title"]
    at.segmented_control(key="lang").set_value("en").run()


def test_page_texts_exist_in_both_languages_with_the_same_placeholders():
    from lstm_viz.i18n import teach_pages

    assert teach_pages.EN.keys() == teach_pages.ZH.keys()
    import string

    def names(text: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    assert all(names(teach_pages.EN[k]) == names(teach_pages.ZH[k]) for k in teach_pages.EN)
    assert np.all([TABLES["zh"][k] != TABLES["en"][k] for k in ("nav.one_cell", "nav.compare", "nav.many_to_many")])


def test_one_cell_says_when_the_model_reads_a_transformed_series(trained):
    at = trained
    at.switch_page("pages/one_cell.py").run()
    split = at.session_state["ws"].run.split
    captions = [c.value for c in at.caption]
    raw = TABLES["en"]["page.one_cell.where"].split("{")[0]
    assert any(c.startswith(raw) for c in captions)
    assert not split.transform.identity  # the quick start differences the airline series season to season
    assert any("of the series as this model reads it" in c for c in captions)
    assert not any("in the data's units" in c for c in captions)
