"""Stale pictures and mismatched models: does the model a page draws belong to the data set selected?"""
from __future__ import annotations

import pytest

import numpy as np

from lstm_viz import workspace
from lstm_viz.samples import sample_bytes


def trained_on(key: str, epochs: int = 2) -> workspace.Workspace:
    ws = workspace.Workspace()
    workspace.load_sample(ws, key)
    workspace.train_to_end(ws, workspace.recommended_config(ws.dataset).replace(hidden_size=4, epochs=epochs))
    return ws


def test_a_model_of_the_data_set_loaded_now_is_not_stale():
    ws = trained_on("airline")
    assert workspace.stale_view(ws) is None
    workspace.load_sample(ws, "airline")  # the same series loaded again: still the model's data
    assert workspace.stale_view(ws) is None


def test_new_data_makes_the_pictures_stale_and_names_both_data_sets():
    ws = trained_on("airline")
    workspace.load_sample(ws, "sunspots")
    key, params = workspace.stale_view(ws)
    assert key == "faults.stale.data"
    assert params == {"model_data": "Passengers", "data": "Sunspots"}


def test_a_resized_test_part_makes_the_pictures_stale():
    ws = trained_on("airline")
    workspace.set_split(ws, ws.dataset.test_size + 6, ws.dataset.horizon)
    key, params = workspace.stale_view(ws)
    assert key == "faults.stale.split" and params["now"] == params["was"] + 6


def test_a_resized_validation_part_makes_the_pictures_stale():
    ws = trained_on("airline")
    was = ws.dataset.val_size
    workspace.set_split(ws, ws.dataset.test_size, ws.dataset.horizon, was + 6)
    assert workspace.stale_view(ws) == ("faults.stale.val", {"was": was, "now": was + 6})


def test_a_new_run_warming_up_says_the_previous_model_is_shown():
    ws = trained_on("airline")
    candidate = workspace.start_run(ws, ws.run.cfg)
    assert ws.run is not candidate and ws.training
    assert workspace.stale_view(ws)[0] == "faults.stale.warming"
    assert workspace.stale_view(ws, candidate) is None  # the Train page's live view draws the candidate itself
    workspace.stop_run(ws)


def test_a_model_file_remembers_its_series_and_fits_it_when_loaded_back():
    source = trained_on("airline")
    data = workspace.model_file(source.run)
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    run = workspace.load_model_file(ws, data)
    assert run.origin["series"] == "Passengers" and run.origin["freq"] == source.dataset.series.freq
    assert not workspace.series_mismatch(run)
    assert not workspace.series_mismatch(source.run)  # a model trained here fits its own series


def test_an_airline_model_loaded_onto_a_yearly_series_says_name_step_and_scale_differ():
    source = trained_on("airline").run
    data = workspace.model_file(source)
    ws = workspace.Workspace()
    workspace.load_sample(ws, "sunspots")
    mismatch = workspace.series_mismatch(workspace.load_model_file(ws, data))
    assert mismatch
    assert mismatch.name == ("Passengers", "Sunspots")
    assert mismatch.freq is not None and mismatch.freq[0] != mismatch.freq[1]
    split = source.split  # airline's training range as its scaler saw it: what the model reads (differences …)
    train = split.transform.model_series(split.values)[split.transform.diff : split.n_fit]
    assert mismatch.scale[0] == pytest.approx((train.min(), train.max()))
    assert mismatch.scale[1] != pytest.approx(mismatch.scale[0], rel=0.1)


def test_the_same_values_under_another_name_differ_only_by_name():
    data = workspace.model_file(trained_on("airline").run)
    ws = workspace.Workspace()
    workspace.load_upload(ws, sample_bytes("airline").replace(b"Passengers", b"Riders"), "riders.csv")
    mismatch = workspace.series_mismatch(workspace.load_model_file(ws, data))
    assert mismatch.name == ("Passengers", "Riders") and mismatch.freq is None and mismatch.scale is None


def test_the_scale_check_tells_a_tenfold_series_from_a_resplit_one():
    data = workspace.model_file(trained_on("airline").run)
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    workspace.set_split(ws, 36, 12)  # another training part of the same series: still one scale
    assert workspace.series_mismatch(workspace.load_model_file(ws, data)).scale is None
    text = sample_bytes("airline").decode()
    lines = text.splitlines()
    tenfold = [lines[0]] + [",".join([row.split(",")[0], str(10 * float(row.split(",")[1]))]) for row in lines[1:]]
    workspace.load_upload(ws, "\n".join(tenfold).encode(), "airline_x10.csv")
    mismatch = workspace.series_mismatch(workspace.load_model_file(ws, data))
    assert mismatch.scale is not None and mismatch.name is None and mismatch.freq is None


def test_a_model_file_from_an_older_version_without_a_time_step_is_still_compared():
    ws = trained_on("airline")
    run = ws.run
    run.loaded, run.origin = True, {"series": "Passengers"}  # no "freq": nothing to compare, no false alarm
    assert not workspace.series_mismatch(run)
    assert np.isfinite(workspace.training_range(run.split.scaler)).all()
