"""Save a trained model to one file, and read such a file back safely.

:func:`save_model` writes the model, its settings and its scaler into one
``.pt`` file. :func:`load_model` is the only reader. It opens a model file with
``torch.load(..., weights_only=True)``, which never runs code stored in the
file, and refuses anything that is not exactly what :func:`save_model` writes.
"""
from __future__ import annotations

import io
import math
import pickle
import re
import warnings
import zipfile
from dataclasses import dataclass, fields
from typing import Any, Mapping, Sequence

import numpy as np
import torch

from lstm_viz.config import CELLS, Config
from lstm_viz.errors import LensError
from lstm_viz.models import Forecaster, build_model
from lstm_viz.windows import Scaler

MODEL_FORMAT = "lstm-lens-model"
MODEL_VERSION = 1
# The largest model the sidebar allows (4 layers of 512 LSTM units) is about 34 MB.
MAX_MODEL_BYTES = 50 * 1024 * 1024
# Config fields that decide the shapes of the weights; a bundle must state them.
_SHAPE_FIELDS = ("cell", "input_size", "hidden_size", "num_layers")


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
        # build_model seeds torch's global RNG: fork it, so reading a file leaves the RNG as it was.
        with torch.random.fork_rng(devices=[]), torch.device("meta"):
            expected = build_model(cfg, output_size).state_dict()
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
    with torch.random.fork_rng(devices=[]), torch.device("meta"):
        model = build_model(cfg, output_size)
    model = model.to_empty(device="cpu")
    model.load_state_dict(state, strict=True)
    extra = bundle.get("extra")
    return LoadedModel(model.eval(), cfg, scaler, extra if isinstance(extra, dict) else {})
