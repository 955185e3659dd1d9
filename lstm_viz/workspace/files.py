"""A run's downloads (the model file, the predictions table, their file names), and a model file back as the current model."""
from __future__ import annotations

import numpy as np
import torch

from lstm_viz.export import predictions_csv, trace_long_csv
from lstm_viz.model_file import load_model, save_model
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.training import Trainer
from lstm_viz.windows import Scaler, Split, split_series
from lstm_viz.workspace.runs import stop_run
from lstm_viz.workspace.state import Dataset, Run, Workspace
from lstm_viz.workspace.views import forecast, gate_trace


NAME_CHARS = 80  # of an input's name kept from a model file, and compared


def saved_inputs(extra: dict) -> tuple[str, ...] | None:
    """Return the input names a model file was saved with (target first), or None when it names none."""
    names = extra.get("inputs")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return None
    return tuple(n[:NAME_CHARS] for n in names)  # the file is the student's: keep the names short


def covariate_scalers(extra: dict, n_covariates: int) -> tuple[Scaler, ...]:
    """Return the covariates' scalers a model file was saved with, or raise ``export.bad_scaler``."""
    raw = extra.get("input_scalers", [])
    try:
        scalers = tuple(Scaler(str(s["kind"]), float(s["shift"]), float(s["scale"])) for s in raw)
    except (TypeError, KeyError, ValueError):
        raise LensError("export.bad_scaler") from None
    if len(scalers) != n_covariates or not all(
            s.kind in ("minmax", "standard") and np.isfinite([s.shift, s.scale]).all() and s.scale > 0
            for s in scalers):
        raise LensError("export.bad_scaler")
    return scalers


def check_model_inputs(cfg: Config, extra: dict, dataset: Dataset) -> None:
    """Refuse a model that reads other inputs per step than the data set now gives it.

    The count must match (``cfg.input_size`` against the target and the chosen covariates);
    a file that names its inputs must name the same covariates, in the same order (the
    target may have another name: :func:`~lstm_viz.workspace.series_mismatch` says so).

    Raises ``LensError("safety.model_inputs")``; nothing has changed yet.
    """
    saved = saved_inputs(extra)
    current = dataset.input_names
    same = cfg.input_size == len(current) and (
        saved is None or tuple(saved[1:]) == tuple(n[:NAME_CHARS] for n in current[1:]))
    if not same:
        raise LensError("safety.model_inputs", input_size=cfg.input_size,
                        saved=", ".join(saved) if saved else "—", current=len(current), names=", ".join(current))


def try_on_series(model: torch.nn.Module, split: Split) -> None:
    """Run ``model`` once on a window of ``split`` and refuse it if that fails or gives no number.

    One forward pass of batch 1, before the model replaces anything: a model
    that cannot read this series is refused here, with the student's model
    kept, instead of failing later on the Forecast, Gates and One cell pages.

    Raises
    ------
    LensError
        ``safety.model_trial`` with what went wrong.
    """
    window = torch.from_numpy(np.ascontiguousarray(split.X_test[:, :1], np.float32))  # (T, 1, D)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(window)
    except Exception as err:  # noqa: BLE001 - any failure of a foreign model is the student's to hear about
        raise LensError("safety.model_trial", detail=" ".join(str(err).split())[:160]) from None
    finally:
        model.train(was_training)
    if tuple(out.shape) != (1, 1) or not bool(torch.isfinite(out).all()):
        shape = "×".join(str(n) for n in out.shape)
        raise LensError("safety.model_trial", detail=f"output {shape}, finite: {bool(torch.isfinite(out).all())}")


def predictions_file(ws: Workspace, run: Run | None = None) -> bytes:
    """Return the predictions of ``run`` (default: the current model) as :func:`lstm_viz.export.predictions_csv` writes them.

    The series, the in-sample fit, the test forecasts (one step and recursive), the
    forecast beyond the data over the data page's horizon, the baselines, and each other
    input the model read (``input_<name>``). The Downloads page passes the run it named the
    file after, so a run promoted before the click cannot slip in.
    """
    run = run or ws.run
    if run is None:
        raise LensError("ws.no_model")
    view = forecast(ws, run=run)
    result, split = view.result, run.split
    return predictions_csv(
        run.dataset.series.axis(), split.values, split.n_train, split.window, result.fitted, result.test_one_step,
        result.test_recursive, view.future_axis, result.future, result.baselines, inputs=covariates_by_name(run))


def traces_file(ws: Workspace, run: Run) -> bytes:
    """Return every gate of ``run`` over the whole series as :func:`lstm_viz.export.trace_long_csv` writes them.

    A model reading several inputs gets one ``input_<name>`` column per input, scaled as the model read it.
    """
    view = gate_trace(ws, "series", run=run)
    inputs = {name: view.x[:, d] for d, name in enumerate(view.input_names)} if run.split.n_inputs > 1 else None
    return trace_long_csv(view.trace, view.axis, inputs=inputs)


def covariates_by_name(run: Run) -> dict[str, np.ndarray]:
    """Return the other inputs ``run`` read, by name, in original units (empty for the target alone)."""
    split = run.split
    if split.covariates is None:
        return {}
    return {name: split.covariates[:, d] for d, name in enumerate(run.input_names[1:])}


def model_file(run: Run) -> bytes:
    """Return the run's model as one ``.pt`` file: state_dict, config, scaler and a few facts."""
    dataset = run.dataset
    extra = {
        "series": dataset.label,
        "freq": dataset.series.freq,
        "source": dataset.name,
        "test_size": run.split.test_size,
        "horizon": dataset.horizon,
        "season": dataset.season,
        "epochs_done": run.epochs_done,
        # What the model reads per step, in order, and how each covariate was scaled: a loaded model
        # is checked against the inputs chosen then, and reads them as it did in training.
        "inputs": list(run.input_names),
        "input_scalers": [{"kind": str(s.kind), "shift": float(s.shift), "scale": float(s.scale)}
                          for s in run.split.covariate_scalers],
    }
    with run.lock:
        return save_model(run.model, run.cfg, run.split.scaler, extra)


def load_model_file(ws: Workspace, data: bytes) -> Run:
    """Make a model saved by :func:`model_file` the current model, on the current data set.

    The file is read with ``torch.load(weights_only=True)`` (never runs code
    from it). The model keeps the scaler it was trained with, so it reads the
    data exactly as it did in training. A run in flight is stopped first.

    Raises
    ------
    LensError
        A file that is not an LSTM Lens model, a model that reads other inputs than the
        data set's target and chosen covariates (``safety.model_inputs``) or fails a trial forward pass on
        this one (``safety.model_trial``), or no data set to run it on;
        ``ws`` is then unchanged.
    """
    loaded = load_model(data)
    dataset = ws.dataset
    if dataset is None:
        raise LensError("ws.no_data")
    cfg = loaded.cfg.replace(num_threads=1)
    check_model_inputs(cfg, loaded.extra, dataset)
    split = split_series(dataset.series.values, cfg.window, dataset.test_size, val_size=dataset.val_size,
                         transform=cfg.transform, diff=cfg.diff, covariates=dataset.covariates)
    if loaded.scaler is not None:
        split = split.with_scalers(loaded.scaler, covariate_scalers(loaded.extra, split.n_inputs - 1))
    try_on_series(loaded.model, split)
    # The trainer only holds the model here (one epoch planned, none run): it keeps the app's shape.
    trainer = Trainer(split, cfg.replace(epochs=1), model=loaded.model)
    run = Run(cfg=cfg, split=split, trainer=trainer, dataset=dataset, loaded=True, origin=loaded.extra, lock=ws.lock)
    with ws.lock:
        if ws.candidate is not None:
            stop_run(ws)
        ws.run = run
    return run
