"""Turn a run into files a student can keep.

Every writer returns ``bytes`` (a page hands them to ``st.download_button``):

- :func:`predictions_csv` — actual values and every forecast in one tidy table;
- :func:`trace_long_csv` / :func:`trace_npz` — the recorded gates and states;
- :func:`config_json` — the run's settings.

The model file (save and the guarded load) is :mod:`lstm_viz.model_file`; a
figure as a standalone page is :func:`lstm_viz.figures.figure_to_html`.
"""
from __future__ import annotations

import io
import json
import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.recorder import Trace

TRACE_FORMAT = "lstm-lens-trace"

ArrayLike = Any  # numpy array, list, pandas Index or Series


# ---------------------------------------------------------------- time axis


def _time_strings(axis: ArrayLike) -> list[str]:
    """Return one label per time point: ISO dates for datetimes, the step otherwise.

    Datetimes that all fall on midnight print as ``YYYY-MM-DD``; others as full
    ISO 8601 (with the offset when the axis has a time zone). Missing times are "".
    """
    index = pd.Index(axis)
    if isinstance(index, pd.DatetimeIndex):
        if index.dropna().equals(index.dropna().normalize()):
            return [ts.strftime("%Y-%m-%d") if ts is not pd.NaT else "" for ts in index]
        return [ts.isoformat() if ts is not pd.NaT else "" for ts in index]
    return ["" if v is None or v != v else str(v) for v in index.tolist()]


def _vector(name: str, values: ArrayLike | None, expected: int) -> np.ndarray | None:
    """Return ``values`` as float64 (expected,), or None; refuse another length."""
    if values is None:
        return None
    arr = np.asarray(values, np.float64).ravel()
    if arr.shape[0] != expected:
        raise LensError("export.length", name=name, got=int(arr.shape[0]), expected=int(expected))
    return arr


# ---------------------------------------------------------------- predictions


def predictions_csv(
    axis: ArrayLike | None,
    values: ArrayLike,
    n_train: int,
    window: int,
    fitted: ArrayLike | None,
    test_pred: ArrayLike | None,
    test_recursive: ArrayLike | None = None,
    future_axis: ArrayLike | None = None,
    future: ArrayLike | None = None,
    baselines: Mapping[str, ArrayLike] | None = None,
    inputs: Mapping[str, ArrayLike] | None = None,
) -> bytes:
    """Write the series and every forecast of a run as one tidy CSV table.

    One row per time point: the ``N`` points of the series, then the ``F``
    future points. A cell is empty where its column does not apply (no
    ``fitted`` value for the first ``window`` points, no ``actual`` value in
    the future, …).

    Parameters
    ----------
    axis : array of shape (N,) or None
        Time of each point (datetimes or numbers); None numbers them 0 … N-1.
    values : array of shape (N,)
        The series in original units.
    n_train : int
        The first ``n_train`` points are the training part, the rest the test part.
    window : int
        Window length ``T``; the first fitted value is for point ``window``.
    fitted : array of shape (n_train - window,) or None
        In-sample one-step predictions for points ``window … n_train-1``.
    test_pred : array of shape (N - n_train,) or None
        One-step-ahead predictions for the test points (each window reads true values).
    test_recursive : array of shape (N - n_train,), optional
        Recursive rollout over the test part (each step reads the model's own output).
    future_axis, future : arrays of shape (F,), optional
        Times and recursive forecasts beyond the end of the series.
    baselines : dict of str to array of shape (N - n_train,), optional
        Baseline forecasts for the test points, one column ``baseline_<name>`` each.
    inputs : dict of str to array of shape (N,), optional
        The other inputs (covariates) the model read beside the series, original units,
        one column ``input_<name>`` each (empty in the future: their values there are unknown).

    Returns
    -------
    bytes
        Plain UTF-8 CSV without a byte-order mark, ``\\n`` line ends, header
        ``time, actual, part, fitted, one_step, recursive, baseline_…``.
        ``part`` is ``train``, ``test`` or ``future``. ``time`` is an ISO date
        (``YYYY-MM-DD``, or full ISO 8601 when times of day matter) or the step.
        ``actual`` and baselines print exactly (shortest round-trip form);
        model outputs with ``%.9g``, enough for their float32 precision.
        Excel opens it; a spreadsheet set to a decimal-comma locale may need
        "Data > From Text" with comma as the separator.
    """
    y = np.asarray(values, np.float64).ravel()
    n = int(y.shape[0])
    n_test = n - int(n_train)
    if not (0 <= window <= n_train <= n):
        raise LensError("export.length", name="n_train", got=int(n_train), expected=n)
    times = _time_strings(range(n) if axis is None else axis)
    if len(times) != n:
        raise LensError("export.length", name="axis", got=len(times), expected=n)
    n_future = 0
    if future is not None or future_axis is not None:
        future_vals = np.asarray(future if future is not None else [], np.float64).ravel()
        n_future = int(future_vals.shape[0])
        future_times = _time_strings(future_axis if future_axis is not None else range(n, n + n_future))
        if len(future_times) != n_future:
            raise LensError("export.length", name="future_axis", got=len(future_times), expected=n_future)
        times = (
            _time_strings(pd.Index(list(axis)).append(pd.Index(list(future_axis))))
            if axis is not None and future_axis is not None
            else times + future_times
        )  # one format for both, so dates never switch to date-times halfway
    rows = n + n_future

    def column(part: np.ndarray | None, start: int) -> np.ndarray:
        out = np.full(rows, np.nan)
        if part is not None:
            out[start : start + part.shape[0]] = part
        return out

    columns: dict[str, tuple[np.ndarray, str]] = {
        "actual": (column(y, 0), "exact"),
        "fitted": (column(_vector("fitted", fitted, n_train - window), window), "model"),
        "one_step": (column(_vector("test_pred", test_pred, n_test), n_train), "model"),
        "recursive": (column(_vector("test_recursive", test_recursive, n_test), n_train), "model"),
    }
    if n_future:
        columns["recursive"][0][n:] = future_vals
    for name, forecast in (baselines or {}).items():
        columns[f"baseline_{name}"] = (column(_vector(f"baselines[{name}]", forecast, n_test), n_train), "exact")
    for name, given in (inputs or {}).items():
        columns[f"input_{name}"] = (column(_vector(f"inputs[{name}]", given, n), 0), "exact")

    def text(v: float, how: str) -> str:
        if not math.isfinite(v):
            return ""
        return repr(float(v)) if how == "exact" else "%.9g" % v

    table = {name: [text(v, how) for v in arr.tolist()] for name, (arr, how) in columns.items()}
    part = ["train"] * int(n_train) + ["test"] * n_test + ["future"] * n_future
    table = {"time": times, "actual": table.pop("actual"), "part": part, **table}
    return pd.DataFrame(table).to_csv(index=False, lineterminator="\n").encode("utf-8")


# ---------------------------------------------------------------- gate traces


def _trace_steps(trace: Trace) -> tuple[int, bool]:
    """Return (T, batched) of a trace."""
    first = trace.layers[0].values["h"]
    return int(first.shape[0]), first.ndim == 3


def trace_long_csv(trace: Trace, axis: ArrayLike | None = None,
                   inputs: Mapping[str, ArrayLike] | None = None) -> bytes:
    """Write every recorded gate and state as a long CSV table, one value per row.

    Parameters
    ----------
    trace : Trace
        From :func:`lstm_viz.recorder.record`; arrays (T, H) or (T, B, H).
    axis : array of shape (T,), optional
        Time of each step; adds a ``time`` column (ISO date or number).
    inputs : dict of str to array of shape (T,), optional
        What the model read at each step, by name (scaled, as it read them); adds
        one column ``input_<name>`` each, beside ``value``.

    Returns
    -------
    bytes
        UTF-8 CSV with columns ``layer, direction, state, [sample,] unit,
        step, [time,] value, [input_…]``: ``state`` is one of ``i f g o c h`` (LSTM),
        ``r z n h`` (GRU) or ``h`` (RNN), values after sigmoid/tanh;
        ``sample`` appears only for batched traces. Rows run layer, direction,
        state, (sample,) unit, then step, so each unit's series is contiguous.
        ``value`` is printed with ``%.9g``, which reads back to the same
        float32. Rows = layers × directions × states × (B ×) H × T.
    """
    n_steps, batched = _trace_steps(trace)
    times = None if axis is None else np.asarray(_time_strings(axis), dtype=object)
    if times is not None and times.shape[0] != n_steps:
        raise LensError("export.length", name="axis", got=int(times.shape[0]), expected=n_steps)
    named = {name: _vector(f"inputs[{name}]", given, n_steps) for name, given in (inputs or {}).items()}
    frames = []
    for lt in trace.layers:
        for name in lt.names:
            # (T, [B,] H) -> ([B,] H, T): one contiguous run of steps per unit.
            arr = np.moveaxis(lt.values[name], 0, -1)
            lead = arr.shape[:-1]
            block = {
                "layer": lt.layer,
                "direction": lt.direction,
                "state": name,
            }
            grid = np.indices(lead).reshape(len(lead), -1)
            if batched:
                block["sample"] = np.repeat(grid[0], n_steps)
            block["unit"] = np.repeat(grid[-1], n_steps)
            block["step"] = np.tile(np.arange(n_steps), grid.shape[1])
            if times is not None:
                block["time"] = np.tile(times, grid.shape[1])
            block["value"] = arr.reshape(-1)
            for input_name, given in named.items():
                block[f"input_{input_name}"] = np.tile(given, grid.shape[1])
            frames.append(pd.DataFrame(block))
    table = pd.concat(frames, ignore_index=True)
    return table.to_csv(index=False, float_format="%.9g", lineterminator="\n").encode("utf-8")


def trace_npz(trace: Trace, axis: ArrayLike | None = None) -> bytes:
    """Pack every recorded gate and state into one compressed ``.npz`` archive.

    Parameters
    ----------
    trace : Trace
        From :func:`lstm_viz.recorder.record`; arrays (T, H) or (T, B, H).
    axis : array of shape (T,), optional
        Time of each step, stored as ``time``.

    Returns
    -------
    bytes
        ``np.savez_compressed`` output that ``np.load(f, allow_pickle=False)``
        reads. Arrays:

        - ``l{layer}_d{direction}_{state}``: float32 (T, H) or (T, B, H),
          exactly the trace's arrays (``l0_d0_f`` is the bottom layer's forget gate);
        - ``step``: int64 (T,), 0 … T-1;
        - ``time``: (T,) ISO strings for datetimes, else the axis' numbers (only with ``axis``);
        - ``meta``: a 0-d string array holding JSON with ``format``, ``version``,
          ``cell``, ``num_layers``, ``num_directions``, ``names`` (state
          letters in order), ``hidden_size``, ``n_steps``, ``batched``, ``arrays``.
    """
    n_steps, batched = _trace_steps(trace)
    arrays: dict[str, np.ndarray] = {}
    for lt in trace.layers:
        for name in lt.names:
            arrays[f"l{lt.layer}_d{lt.direction}_{name}"] = np.asarray(lt.values[name], np.float32)
    arrays["step"] = np.arange(n_steps, dtype=np.int64)
    if axis is not None:
        index = pd.Index(axis)
        if len(index) != n_steps:
            raise LensError("export.length", name="axis", got=len(index), expected=n_steps)
        is_number = pd.api.types.is_numeric_dtype(index.dtype) and not pd.api.types.is_bool_dtype(index.dtype)
        arrays["time"] = index.to_numpy() if is_number else np.array(_time_strings(index), dtype=str)
    meta = {
        "format": TRACE_FORMAT,
        "version": 1,
        "cell": trace.cell,
        "num_layers": trace.num_layers,
        "num_directions": trace.num_directions,
        "names": list(trace.layers[0].names),
        "hidden_size": int(trace.layers[0].values["h"].shape[-1]),
        "n_steps": n_steps,
        "batched": batched,
        "arrays": [k for k in arrays if k.startswith("l")],
    }
    arrays["meta"] = np.array(json.dumps(meta))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def config_json(cfg: Config) -> bytes:
    """Return ``cfg`` as pretty-printed UTF-8 JSON (2-space indent, field order, trailing newline)."""
    return (json.dumps(cfg.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
