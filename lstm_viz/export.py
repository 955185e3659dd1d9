"""Turn a run into files a student can keep, and read a saved model back safely.

Every writer returns ``bytes`` (a page hands them to ``st.download_button``):

- :func:`predictions_csv` — actual values and every forecast in one tidy table;
- :func:`trace_long_csv` / :func:`trace_npz` — the recorded gates and states;
- :func:`save_model` / :func:`config_json` — the trained model and its settings;
- :func:`figure_html` — a Plotly figure as a standalone page that plays offline.

:func:`load_model` is the only reader. It opens a model file with
``torch.load(..., weights_only=True)``, which never runs code stored in the
file, and refuses anything that is not exactly what :func:`save_model` writes.
"""
from __future__ import annotations

import io
import json
import math
import pickle
import re
import warnings
import zipfile
from dataclasses import dataclass, fields
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import torch

from lstm_viz.config import CELLS, Config
from lstm_viz.errors import LensError
from lstm_viz.models import Forecaster
from lstm_viz.recorder import Trace
from lstm_viz.windows import Scaler

MODEL_FORMAT = "lstm-lens-model"
MODEL_VERSION = 1
TRACE_FORMAT = "lstm-lens-trace"
# The largest model the sidebar allows (4 layers of 512 LSTM units) is about 34 MB.
MAX_MODEL_BYTES = 50 * 1024 * 1024
# Config fields that decide the shapes of the weights; a bundle must state them.
_SHAPE_FIELDS = ("cell", "input_size", "hidden_size", "num_layers")

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


# ---------------------------------------------------------------- model bundle


@dataclass(frozen=True)
class LoadedModel:
    """A model read back by :func:`load_model`.

    Attributes
    ----------
    model : Forecaster
        In eval mode, on the CPU, weights exactly as saved.
    cfg : Config
        The run's settings, validated.
    scaler : Scaler or None
        The scaler fitted on the training part, to map predictions back to original units.
    extra : dict
        Whatever primitives the saver added (series name, test size, …).
    """

    model: Forecaster
    cfg: Config
    scaler: Scaler | None
    extra: dict[str, Any]


def _primitives(value: Any, where: str) -> Any:
    """Return ``value`` as JSON-like primitives (tuples become lists) or raise TypeError."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_primitives(v, f"{where}[{k}]") for k, v in enumerate(value)]
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return {k: _primitives(v, f"{where}[{k!r}]") for k, v in value.items()}
    raise TypeError(f"{where} is a {type(value).__name__}; a model file stores only numbers, strings, lists and dicts")


def _listing(names: Sequence[str], limit: int = 3) -> str:
    """Return up to ``limit`` names joined by commas, "—" for none."""
    if not names:
        return "—"
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit})" if len(names) > limit else "")


def _check_weights(state: Mapping[str, Any], cfg: Config, output_size: int) -> None:
    """Refuse a state_dict whose names or shapes do not fit ``cfg`` (export.mismatch / not_finite)."""
    try:
        # On the meta device nothing is allocated: a forged config cannot exhaust memory.
        with torch.device("meta"):
            expected = Forecaster(
                cfg.cell, cfg.input_size, cfg.hidden_size, cfg.num_layers, cfg.dropout, output_size
            ).state_dict()
    except (ValueError, RuntimeError, TypeError) as err:
        raise LensError("export.bad_config", name="config", value=str(err)) from None
    if not all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise LensError("export.wrong_format")
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong_shape = [
        f"{k} {tuple(state[k].shape)}≠{tuple(v.shape)}"
        for k, v in expected.items()
        if k in state and tuple(state[k].shape) != tuple(v.shape)
    ]
    wrong_shape += [f"{k} {state[k].dtype}" for k in expected if k in state and not state[k].is_floating_point()]
    if missing or unexpected or wrong_shape:
        raise LensError(
            "export.mismatch",
            cell=cfg.cell,
            hidden_size=cfg.hidden_size,
            num_layers=cfg.num_layers,
            missing=_listing(missing),
            unexpected=_listing(unexpected),
            wrong_shape=_listing(wrong_shape),
        )
    bad = [k for k, v in state.items() if not bool(torch.isfinite(v).all())]
    if bad:
        raise LensError("export.not_finite", name=_listing(bad))


def save_model(
    model: Forecaster,
    cfg: Config,
    scaler: Scaler | None = None,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """Serialise a trained model, its settings and its scaler into one ``.pt`` file.

    Parameters
    ----------
    model : Forecaster
        The trained model; its weights must fit ``cfg``.
    cfg : Config
        The settings it was built and trained with.
    scaler : Scaler, optional
        The scaler fitted on the training part.
    extra : dict, optional
        More facts to keep (series name, test size, metrics …): only numbers,
        strings, bools, None, lists and str-keyed dicts.

    Returns
    -------
    bytes
        ``torch.save`` of ``{"format": "lstm-lens-model", "version": 1,
        "state_dict": {name: CPU tensor}, "output_size": int,
        "config": cfg.to_dict(), "scaler": {"kind", "shift", "scale"} or None,
        "extra": {...}}``, readable with ``torch.load(..., weights_only=True)``.

    Raises
    ------
    TypeError
        If ``extra`` holds anything but primitives (a page bug, not a student's).
    """
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    output_size = int(model.head.out_features)
    _check_weights(state, cfg, output_size)
    bundle = {
        "format": MODEL_FORMAT,
        "version": MODEL_VERSION,
        "state_dict": state,
        "output_size": output_size,
        "config": _primitives(cfg.to_dict(), "config"),
        "scaler": None
        if scaler is None
        else {"kind": str(scaler.kind), "shift": float(scaler.shift), "scale": float(scaler.scale)},
        "extra": _primitives(dict(extra or {}), "extra"),
    }
    buffer = io.BytesIO()
    torch.save(bundle, buffer)
    return buffer.getvalue()


def _refused_global(err: Exception) -> str | None:
    """Return the Python name a weights-only load refused (e.g. ``builtins.exec``), if any."""
    found = re.search(r"GLOBAL ([\w.]+)", str(err))
    return found.group(1) if found else None


def _check_archive(data: bytes) -> None:
    """Refuse a zip archive (``torch.save``'s format) that would unpack to more than ``MAX_MODEL_BYTES``.

    ``torch.save`` writes a zip whose entries are stored, not compressed, so a
    real model unpacks to its own size. ``torch.load`` allocates every entry at
    the size the zip's directory declares and inflates into it: a 1 MB
    "zip bomb" of deflated zeros grew to +1 GB before anything was refused.
    Declared sizes are what is allocated, so bounding them bounds the memory
    (the reader fails on an entry that inflates to another size). Anything
    else goes on to ``torch.load``, which refuses it (a bare pickle with code
    in it is then named by ``export.unsafe``).
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise LensError("export.not_torch") from None
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_MODEL_BYTES:
        raise LensError("safety.model_inflates", size_mb=round(unpacked / 2**20, 1),
                        limit_mb=MAX_MODEL_BYTES // 2**20)


def _check_tensors(state: Mapping[str, Any]) -> None:
    """Refuse a tensor that is not a plain dense CPU tensor, as :func:`save_model` writes (dtypes: _check_weights).

    Meta tensors have no values (checking them raised torch's own error),
    sparse and quantized ones another layout, and a strided view (stride 0,
    offset) can claim more elements than its storage holds.
    """
    for name, value in state.items():
        if not isinstance(value, torch.Tensor):
            continue  # _check_weights names it
        if value.is_meta or value.device.type != "cpu":
            what = "meta" if value.is_meta else value.device.type
        elif value.layout != torch.strided or value.is_quantized:
            what = str(value.layout).replace("torch.", "") if value.layout != torch.strided else "quantized"
        elif not value.is_contiguous() or value.storage_offset() != 0 or value.is_conj() or value.is_neg():
            what = "view"
        else:
            continue
        raise LensError("safety.odd_tensor", name=str(name)[:80], what=what)


def _read_bundle(data: bytes) -> dict[str, Any]:
    """Unpickle ``data`` without running code, or refuse it (empty, too big, not torch, unsafe)."""
    if not data:
        raise LensError("export.empty")
    if len(data) > MAX_MODEL_BYTES:
        raise LensError("export.too_big", size_mb=round(len(data) / 2**20, 1), limit_mb=MAX_MODEL_BYTES // 2**20)
    _check_archive(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about pickle protocols; the refusal below says enough
            bundle = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as err:
        # weights_only refuses any pickled reference to code (a class, a function like exec).
        name = _refused_global(err)
        if name is not None:
            raise LensError("export.unsafe", what=name) from None
        raise LensError("export.not_torch") from None
    except Exception:  # noqa: BLE001 - torch.load raises EOFError, KeyError, RuntimeError … on damaged bytes
        raise LensError("export.not_torch") from None
    if not isinstance(bundle, dict) or bundle.get("format") != MODEL_FORMAT:
        raise LensError("export.wrong_format")
    version = bundle.get("version")
    if version != MODEL_VERSION:
        raise LensError("export.version", version=version, supported=MODEL_VERSION)
    return bundle


def _config_from(raw: Any) -> Config:
    """Build a validated Config from a bundle's ``config`` dict, checking each field's type."""
    if not isinstance(raw, dict):
        raise LensError("export.bad_config", name="config", value=type(raw).__name__)
    for name in _SHAPE_FIELDS:
        if name not in raw:
            raise LensError("export.bad_config", name=name, value="—")
    defaults = Config()
    for f in fields(Config):
        if f.name not in raw:
            continue
        value, default = raw[f.name], getattr(defaults, f.name)
        if f.name == "num_threads":
            ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
        elif isinstance(default, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = type(value) is type(default)
        if not ok:
            raise LensError("export.bad_config", name=f.name, value=repr(value))
    if raw["cell"] not in CELLS:
        raise LensError("export.bad_config", name="cell", value=repr(raw["cell"]))
    if raw["input_size"] < 1:
        raise LensError("export.bad_config", name="input_size", value=raw["input_size"])
    try:
        return Config.from_dict(raw)
    except LensError as err:
        if err.key == "config.range":
            raise LensError("export.config_range", **err.params) from None
        raise


def _scaler_from(raw: Any) -> Scaler | None:
    """Build the Scaler stored in a bundle, or None; refuse a malformed one."""
    if raw is None:
        return None
    ok = (
        isinstance(raw, dict)
        and raw.get("kind") in ("minmax", "standard")
        and all(isinstance(raw.get(k), (int, float)) and not isinstance(raw.get(k), bool) for k in ("shift", "scale"))
    )
    if not ok or not (math.isfinite(raw["shift"]) and math.isfinite(raw["scale"]) and raw["scale"] > 0):
        raise LensError("export.bad_scaler")
    return Scaler(raw["kind"], float(raw["shift"]), float(raw["scale"]))


def load_model(data: bytes) -> LoadedModel:
    """Read a model file written by :func:`save_model`, never running code from it.

    Parameters
    ----------
    data : bytes
        The uploaded file, at most ``MAX_MODEL_BYTES`` (50 MB).

    Returns
    -------
    LoadedModel
        The model (eval mode, CPU) with the config, scaler and extras it was saved with.

    Raises
    ------
    LensError
        ``export.empty``, ``export.too_big``, ``export.not_torch`` (not a
        PyTorch file, damaged or truncated), ``export.unsafe`` (pickled code
        or objects, refused by ``weights_only``), ``export.wrong_format`` (no
        LSTM Lens marker), ``export.version``, ``export.bad_config`` /
        ``export.config_range``, ``export.bad_scaler``, ``export.mismatch``
        (weights do not fit the config), ``export.not_finite``.
    """
    bundle = _read_bundle(data)
    cfg = _config_from(bundle.get("config"))
    scaler = _scaler_from(bundle.get("scaler"))
    state = bundle.get("state_dict")
    output_size = bundle.get("output_size", 1)
    if not isinstance(state, dict) or not isinstance(output_size, int) or not 1 <= output_size <= 4096:
        raise LensError("export.wrong_format")
    _check_tensors(state)
    _check_weights(state, cfg, output_size)
    # Build without initialising (no draw from torch's global RNG), then copy the saved weights in.
    with torch.device("meta"):
        model = Forecaster(cfg.cell, cfg.input_size, cfg.hidden_size, cfg.num_layers, cfg.dropout, output_size)
    model = model.to_empty(device="cpu")
    model.load_state_dict(state, strict=True)
    extra = bundle.get("extra")
    return LoadedModel(model.eval(), cfg, scaler, extra if isinstance(extra, dict) else {})


def config_json(cfg: Config) -> bytes:
    """Return ``cfg`` as pretty-printed UTF-8 JSON (2-space indent, field order, trailing newline)."""
    return (json.dumps(cfg.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------- figures


def figure_html(fig: Any) -> bytes:
    """Return a Plotly figure as a standalone HTML page that works offline.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        Any figure; animation frames and sliders are kept.

    Returns
    -------
    bytes
        UTF-8 HTML with plotly.js embedded (no CDN, about 5 MB); an animation
        waits for the play button instead of starting on load.
    """
    return fig.to_html(include_plotlyjs=True, full_html=True, auto_play=False).encode("utf-8")
