"""A run's downloads (the model file, the predictions table, their file names), and a model file back as the current model."""
from __future__ import annotations

import re

import numpy as np
import torch

from lstm_viz.export import predictions_csv
from lstm_viz.model_file import load_model, save_model
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.training import Trainer
from lstm_viz.windows import Split, make_windows, split_series
from lstm_viz.workspace.runs import stop_run
from lstm_viz.workspace.state import Run, Workspace
from lstm_viz.workspace.views import forecast


def _split_with_scaler(split: Split, scaler) -> Split:
    """Return ``split`` re-scaled with ``scaler`` (a loaded model must read data scaled as in its training)."""
    scaled = scaler.transform(split.transform.model_series(split.values))
    X_all, y_all = make_windows(scaled, split.window)
    m_train = split.n_train - split.window
    return Split(
        values=split.values,
        scaled=scaled,
        n_train=split.n_train,
        window=split.window,
        scaler=scaler,
        X_train=np.ascontiguousarray(X_all[:, :m_train]),
        y_train=y_all[:m_train],
        X_test=np.ascontiguousarray(X_all[:, m_train:]),
        y_test=y_all[m_train:],
        val_size=split.val_size,
        transform=split.transform,
    )


def check_model_inputs(model: torch.nn.Module, cfg: Config) -> None:
    """Refuse a model that reads more than one value per step: this app forecasts one series.

    Raises ``LensError("safety.model_inputs")``; nothing has changed yet.
    """
    if cfg.input_size != 1:
        raise LensError("safety.model_inputs", input_size=cfg.input_size)


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
    window = torch.from_numpy(np.ascontiguousarray(split.X_test[:, :1], np.float32))  # (T, 1, 1)
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


def download_stem(run: Run) -> str:
    """Return the start of every download's file name: the series' label in ASCII letters, digits, ``_`` and ``-``.

    At most 40 characters; ``"series"`` when nothing of the label is left (a Chinese label, say).
    """
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(run.dataset.label)).strip("_")[:40] or "series"


def predictions_file(ws: Workspace) -> bytes:
    """Return the current model's predictions as :func:`lstm_viz.export.predictions_csv` writes them.

    The series, the in-sample fit, the test forecasts (one step and recursive), the
    forecast beyond the data over the data page's horizon, and the baselines.
    """
    run = ws.run
    if run is None:
        raise LensError("ws.no_model")
    view = forecast(ws)
    result, split = view.result, run.split
    return predictions_csv(
        run.dataset.series.axis(), split.values, split.n_train, split.window, result.fitted, result.test_one_step,
        result.test_recursive, view.future_axis, result.future, result.baselines)


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
        A file that is not an LSTM Lens model, a model that does not read one
        series (``safety.model_inputs``) or fails a trial forward pass on
        this one (``safety.model_trial``), or no data set to run it on;
        ``ws`` is then unchanged.
    """
    loaded = load_model(data)
    dataset = ws.dataset
    if dataset is None:
        raise LensError("ws.no_data")
    cfg = loaded.cfg.replace(num_threads=1)
    check_model_inputs(loaded.model, cfg)
    split = split_series(dataset.series.values, cfg.window, dataset.test_size, val_size=dataset.val_size,
                         transform=cfg.transform, diff=cfg.diff)
    if loaded.scaler is not None:
        split = _split_with_scaler(split, loaded.scaler)
    try_on_series(loaded.model, split)
    # The trainer only holds the model here (one epoch planned, none run): it keeps the app's shape.
    trainer = Trainer(split, cfg.replace(epochs=1), model=loaded.model)
    run = Run(cfg=cfg, split=split, trainer=trainer, dataset=dataset, loaded=True, origin=loaded.extra, lock=ws.lock)
    with ws.lock:
        if ws.candidate is not None:
            stop_run(ws)
        ws.run = run
    return run
