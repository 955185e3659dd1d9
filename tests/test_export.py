"""Downloads read back to what was exported, and a model file is loaded only when it is safe and fits."""
from __future__ import annotations

import io
import json
import pickle
import re
import string

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import torch
from torch import nn

from lstm_viz import figures, model_file
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.export import config_json, predictions_csv, trace_long_csv, trace_npz
from lstm_viz.model_file import load_model, save_model
from lstm_viz.i18n import export as messages
from lstm_viz.models import build_model
from lstm_viz.recorder import STATE_NAMES, record
from lstm_viz.windows import Scaler


def _bundle(**changes) -> dict:
    """A valid bundle as a dict (small LSTM), with ``changes`` applied on top."""
    cfg = Config(hidden_size=4, num_layers=1)
    bundle = torch.load(io.BytesIO(save_model(build_model(cfg), cfg)), weights_only=True)
    bundle.update(changes)
    return bundle


def _saved(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def _refusal(data: bytes) -> LensError:
    with pytest.raises(LensError) as caught:
        load_model(data)
    err = caught.value
    for lang in ("en", "zh"):  # every refusal renders fully in both languages
        assert "{" not in err.message(lang), err.message(lang)
    return err


# ---------------------------------------------------------------- model round trip


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_model_round_trip_predicts_identically(cell, num_layers):
    cfg = Config(cell=cell, hidden_size=6, num_layers=num_layers, dropout=0.2, window=8, seed=3)
    model = build_model(cfg).eval()
    scaler = Scaler("standard", 12.5, 3.25)
    extra = {"series": "airline passengers", "test_size": 24, "metrics": {"rmse": 1.5}, "shape": (2, 3)}

    loaded = load_model(save_model(model, cfg, scaler, extra))

    x = torch.randn(cfg.window, 5, 1)
    with torch.no_grad():
        assert torch.equal(loaded.model(x), model(x))
    assert not loaded.model.training
    assert loaded.cfg == cfg
    assert loaded.scaler == scaler
    assert loaded.extra == {**extra, "shape": [2, 3]}  # tuples come back as lists


def test_load_does_not_touch_the_global_rng():
    data = save_model(build_model(Config(hidden_size=8)), Config(hidden_size=8))
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    load_model(data)
    assert torch.equal(torch.rand(3), expected)


def test_without_scaler_and_extra():
    cfg = Config(cell="gru", hidden_size=3)
    loaded = load_model(save_model(build_model(cfg), cfg))
    assert loaded.scaler is None and loaded.extra == {}


def test_save_refuses_non_primitive_extra():
    cfg = Config(hidden_size=3)
    with pytest.raises(TypeError, match="extra"):
        save_model(build_model(cfg), cfg, extra={"series": pd.Series([1.0])})


def test_config_json_is_pretty_and_complete():
    cfg = Config(cell="gru", hidden_size=48, lr=0.003)
    text = config_json(cfg).decode("utf-8")
    assert text.startswith("{\n  \"cell\": \"gru\"")
    assert Config.from_dict(json.loads(text)) == cfg


# ---------------------------------------------------------------- refusals


def test_refuses_empty_and_garbage():
    assert _refusal(b"").key == "export.empty"
    assert _refusal(b"hello, this is a CSV file\n1,2,3\n").key == "export.not_torch"
    assert _refusal(bytes(range(256)) * 40).key == "export.not_torch"


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_refuses_truncated_file(keep):
    data = _saved(_bundle())
    assert _refusal(data[: int(len(data) * keep)]).key == "export.not_torch"


def test_refuses_too_big_before_reading():
    err = _refusal(b"\0" * (model_file.MAX_MODEL_BYTES + 1))
    assert err.key == "export.too_big" and err.params["limit_mb"] == 50


class _Payload:
    """What a malicious model file carries: unpickling it would run code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('code ran')",))


def test_payload_really_runs_code_when_unpickled_unsafely(tmp_path):
    # Guard for the test below: the payload is live, so "did not run" means something.
    marker = tmp_path / "ran.txt"
    pickle.loads(pickle.dumps(_Payload(marker)))
    assert marker.exists()


def test_refuses_malicious_pickle_without_running_it(tmp_path):
    marker = tmp_path / "ran.txt"
    inside_bundle = _saved(_bundle(extra={"note": _Payload(marker)}))
    raw_pickle = pickle.dumps(_Payload(marker), protocol=2)
    for data in (inside_bundle, raw_pickle):
        err = _refusal(data)
        assert err.key == "export.unsafe"
        assert "exec" in err.params["what"]
    assert not marker.exists()


def test_refuses_torch_file_that_is_not_a_bundle():
    model = build_model(Config(hidden_size=4))
    assert _refusal(_saved(model.state_dict())).key == "export.wrong_format"
    assert _refusal(_saved(_bundle(format="something-else"))).key == "export.wrong_format"
    assert _refusal(_saved([1, 2, 3])).key == "export.wrong_format"
    assert _refusal(_saved(_bundle(state_dict=[1, 2]))).key == "export.wrong_format"
    assert _refusal(_saved(_bundle(version=2))).key == "export.version"


def test_refuses_state_dict_that_does_not_fit_the_config():
    bundle = _bundle()
    state = dict(bundle["state_dict"])

    wider = _bundle(config={**bundle["config"], "hidden_size": 5})
    err = _refusal(_saved(wider))
    assert err.key == "export.mismatch"
    assert "core.weight_hh_l0 (16, 4)≠(20, 5)" in err.params["wrong_shape"]

    deeper = _bundle(config={**bundle["config"], "num_layers": 2})
    err = _refusal(_saved(deeper))
    assert err.key == "export.mismatch" and "core.weight_ih_l1" in err.params["missing"]

    err = _refusal(_saved(_bundle(state_dict={k: v for k, v in state.items() if k != "head.bias"})))
    assert err.key == "export.mismatch" and err.params["missing"] == "head.bias"

    err = _refusal(_saved(_bundle(state_dict={**state, "core.weight_ih_l9": torch.zeros(1)})))
    assert err.key == "export.mismatch" and err.params["unexpected"] == "core.weight_ih_l9"

    as_ints = {**state, "head.bias": torch.zeros(1, dtype=torch.int64)}
    assert _refusal(_saved(_bundle(state_dict=as_ints))).key == "export.mismatch"

    gru_config = _bundle(config={**bundle["config"], "cell": "gru"})
    assert _refusal(_saved(gru_config)).key == "export.mismatch"


def test_refuses_non_finite_weights():
    bundle = _bundle()
    state = {**bundle["state_dict"], "head.weight": torch.full((1, 4), float("nan"))}
    err = _refusal(_saved(_bundle(state_dict=state)))
    assert err.key == "export.not_finite" and err.params["name"] == "head.weight"


@pytest.mark.parametrize(
    "change, key",
    [
        ({"hidden_size": 9999}, "export.config_range"),
        ({"num_layers": 0}, "export.config_range"),
        ({"dropout": float("nan")}, "export.config_range"),
        ({"hidden_size": "4"}, "export.bad_config"),
        ({"num_layers": True}, "export.bad_config"),
        ({"cell": "transformer"}, "export.bad_config"),
        ({"input_size": 0}, "export.bad_config"),
    ],
)
def test_refuses_bad_config(change, key):
    bundle = _bundle()
    assert _refusal(_saved(_bundle(config={**bundle["config"], **change}))).key == key


def test_refuses_config_without_shape_fields():
    config = {k: v for k, v in _bundle()["config"].items() if k != "hidden_size"}
    err = _refusal(_saved(_bundle(config=config)))
    assert err.key == "export.bad_config" and err.params["name"] == "hidden_size"


@pytest.mark.parametrize(
    "scaler",
    [
        {"kind": "log", "shift": 0.0, "scale": 1.0},
        {"kind": "minmax", "shift": 0.0, "scale": 0.0},
        {"kind": "minmax", "shift": float("inf"), "scale": 1.0},
        {"kind": "minmax", "shift": "0"},
        [0.0, 1.0],
    ],
)
def test_refuses_bad_scaler(scaler):
    assert _refusal(_saved(_bundle(scaler=scaler))).key == "export.bad_scaler"


def test_messages_match_in_both_languages():
    fmt = string.Formatter()

    def placeholders(text: str) -> set[str]:
        return {name for _, name, _, _ in fmt.parse(text) if name}

    assert messages.EN.keys() == messages.ZH.keys()
    for key, text in messages.EN.items():
        assert key.startswith("export.")
        assert placeholders(text) == placeholders(messages.ZH[key]), key
        assert re.search(r"[\u4e00-\u9fff]", messages.ZH[key]), key


# ---------------------------------------------------------------- predictions CSV


def _read_csv(data: bytes) -> pd.DataFrame:
    assert not data.startswith(b"\xef\xbb\xbf")  # plain UTF-8, no byte-order mark
    return pd.read_csv(io.BytesIO(data), dtype={"time": str, "part": str})


def test_predictions_csv_layout():
    n, n_train, window = 20, 15, 4
    axis = pd.date_range("2021-01-01", periods=n, freq="D")
    values = np.linspace(100.0, 119.0, n) + 0.123456789012
    fitted = np.arange(n_train - window, dtype=np.float32) + 0.5
    one_step = np.full(n - n_train, 7.25)
    recursive = np.full(n - n_train, 8.5)
    future_axis = pd.date_range("2021-01-21", periods=3, freq="D")
    naive = values[n_train - 1 : n - 1]

    table = _read_csv(
        predictions_csv(
            axis, values, n_train, window, fitted, one_step, recursive,
            future_axis, [1.0, 2.0, 3.0], {"naive": naive, "mean": np.full(n - n_train, 3.0)},
        )
    )

    assert list(table.columns) == [
        "time", "actual", "part", "fitted", "one_step", "recursive", "baseline_naive", "baseline_mean",
    ]
    assert len(table) == n + 3
    assert table["part"].value_counts().to_dict() == {"train": n_train, "test": n - n_train, "future": 3}
    assert table["time"].iloc[0] == "2021-01-01" and table["time"].iloc[-1] == "2021-01-23"
    np.testing.assert_array_equal(table["actual"].iloc[:n], values)  # exact round trip
    assert table["actual"].iloc[n:].isna().all()
    assert table["fitted"].iloc[:window].isna().all() and table["fitted"].iloc[n_train:].isna().all()
    np.testing.assert_array_equal(table["fitted"].iloc[window:n_train].to_numpy(np.float32), fitted)
    np.testing.assert_array_equal(table["one_step"].iloc[n_train:n], one_step)
    np.testing.assert_array_equal(table["recursive"].iloc[n_train:], [8.5] * 5 + [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(table["baseline_naive"].iloc[n_train:n], naive)
    assert table["baseline_naive"].iloc[:n_train].isna().all()


def test_predictions_csv_steps_and_optional_columns():
    table = _read_csv(predictions_csv(None, np.arange(10.0), 8, 2, np.zeros(6), np.ones(2)))
    assert list(table.columns) == ["time", "actual", "part", "fitted", "one_step", "recursive"]
    assert table["time"].tolist() == [str(t) for t in range(10)]
    assert table["recursive"].isna().all()


def test_predictions_csv_keeps_times_of_day():
    axis = pd.date_range("2021-01-01 06:00", periods=6, freq="h")
    table = _read_csv(predictions_csv(axis, np.arange(6.0), 4, 2, np.zeros(2), np.ones(2)))
    assert table["time"].iloc[0] == "2021-01-01T06:00:00"


def test_predictions_csv_refuses_misaligned_arrays():
    with pytest.raises(LensError) as caught:
        predictions_csv(None, np.arange(10.0), 8, 2, np.zeros(8), np.ones(2))
    assert caught.value.key == "export.length" and caught.value.params == {"name": "fitted", "got": 8, "expected": 6}


# ---------------------------------------------------------------- traces


def _trace(cell="lstm", num_layers=2, batch=None, bidirectional=False):
    torch.manual_seed(0)
    core = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell](1, 3, num_layers, bidirectional=bidirectional)
    shape = (7, 1) if batch is None else (7, batch, 1)
    return record(core, np.random.default_rng(0).standard_normal(shape).astype(np.float32))


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_trace_long_csv(cell):
    trace = _trace(cell)
    axis = pd.date_range("2020-01-01", periods=7, freq="MS")
    table = pd.read_csv(io.BytesIO(trace_long_csv(trace, axis)), dtype={"state": str, "time": str})
    names = STATE_NAMES[cell]
    assert list(table.columns) == ["layer", "direction", "state", "unit", "step", "time", "value"]
    assert len(table) == 2 * len(names) * 3 * 7
    assert set(table["state"]) == set(names)
    for lt in trace.layers:
        for name in names:
            rows = table[(table.layer == lt.layer) & (table.direction == lt.direction) & (table.state == name)]
            got = rows.pivot(index="step", columns="unit", values="value").to_numpy(np.float32)
            np.testing.assert_array_equal(got, lt[name])  # %.9g reads back to the same float32
    assert table["time"].iloc[1] == "2020-02-01"


def test_trace_long_csv_batched_without_axis():
    trace = _trace("gru", num_layers=1, batch=2)
    table = pd.read_csv(io.BytesIO(trace_long_csv(trace)), dtype={"state": str})
    assert list(table.columns) == ["layer", "direction", "state", "sample", "unit", "step", "value"]
    assert len(table) == 4 * 2 * 3 * 7
    row = table[(table.state == "z") & (table["sample"] == 1) & (table.unit == 2) & (table.step == 5)]
    assert np.float32(row["value"].iloc[0]) == trace.layer(0)["z"][5, 1, 2]


@pytest.mark.parametrize("cell, batch, bidirectional", [("lstm", None, True), ("gru", 3, False), ("rnn", None, False)])
def test_trace_npz_round_trip(cell, batch, bidirectional):
    trace = _trace(cell, batch=batch, bidirectional=bidirectional)
    axis = pd.date_range("2020-01-01", periods=7, freq="D")
    with np.load(io.BytesIO(trace_npz(trace, axis)), allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"]))
        assert meta["cell"] == cell and meta["names"] == list(STATE_NAMES[cell])
        assert meta["num_layers"] == 2 and meta["num_directions"] == (2 if bidirectional else 1)
        for lt in trace.layers:
            for name in lt.names:
                stored = archive[f"l{lt.layer}_d{lt.direction}_{name}"]
                assert stored.dtype == np.float32
                np.testing.assert_array_equal(stored, lt[name])
        assert sorted(meta["arrays"]) == sorted(k for k in archive.files if k not in ("step", "time", "meta"))
        np.testing.assert_array_equal(archive["step"], np.arange(7))
        assert archive["time"][0] == "2020-01-01"


def test_trace_npz_numeric_axis_and_length_check():
    trace = _trace("rnn", num_layers=1)
    with np.load(io.BytesIO(trace_npz(trace, np.arange(7) * 0.5)), allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["time"], np.arange(7) * 0.5)
    with np.load(io.BytesIO(trace_npz(trace)), allow_pickle=False) as archive:
        assert "time" not in archive.files
    with pytest.raises(LensError, match="axis"):
        trace_npz(trace, np.arange(5))


# ---------------------------------------------------------------- figures


def test_figure_to_html_is_standalone():
    fig = go.Figure(
        data=[go.Scatter(x=[0, 1], y=[0, 1])],
        frames=[go.Frame(data=[go.Scatter(x=[0, 1], y=[1, 0])], name="epoch-17")],
    )
    html = figures.figure_to_html(fig)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"<script[^>]*\bsrc=", html)  # nothing fetched from a CDN
    assert "plotly.js v" in html  # the library itself is inlined
    setup = html[html.rfind("Plotly.newPlot(") :]
    assert "Plotly.addFrames(" in setup and "epoch-17" in setup
    assert "Plotly.animate(" not in setup  # waits for the play button
