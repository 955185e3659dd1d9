"""A run's model as a file, and a model file back as the current model."""
from __future__ import annotations

import numpy as np

from lstm_viz import export
from lstm_viz.errors import LensError
from lstm_viz.training import Trainer
from lstm_viz.windows import Split, make_windows, split_series
from lstm_viz.workspace.runs import stop_run
from lstm_viz.workspace.state import Run, Workspace


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


def model_file(run: Run) -> bytes:
    """Return the run's model as one ``.pt`` file: state_dict, config, scaler and a few facts."""
    dataset = run.dataset
    extra = {
        "series": dataset.label,
        "source": dataset.name,
        "test_size": run.split.test_size,
        "horizon": dataset.horizon,
        "season": dataset.season,
        "epochs_done": run.epochs_done,
    }
    with run.lock:
        return export.save_model(run.model, run.cfg, run.split.scaler, extra)


def load_model_file(ws: Workspace, data: bytes) -> Run:
    """Make a model saved by :func:`model_file` the current model, on the current data set.

    The file is read with ``torch.load(weights_only=True)`` (never runs code
    from it). The model keeps the scaler it was trained with, so it reads the
    data exactly as it did in training. A run in flight is stopped first.

    Raises
    ------
    LensError
        A file that is not an LSTM Lens model, or no data set to run it on; ``ws`` is then unchanged.
    """
    loaded = export.load_model(data)
    dataset = ws.dataset
    if dataset is None:
        raise LensError("ws.no_data")
    cfg = loaded.cfg.replace(num_threads=1)
    split = split_series(dataset.series.values, cfg.window, dataset.test_size, val_size=dataset.val_size,
                         transform=cfg.transform, diff=cfg.diff)
    if loaded.scaler is not None:
        split = _split_with_scaler(split, loaded.scaler)
    # The trainer only holds the model here (one epoch planned, none run): it keeps the app's shape.
    trainer = Trainer(split, cfg.replace(epochs=1), model=loaded.model)
    run = Run(cfg=cfg, split=split, trainer=trainer, dataset=dataset, loaded=True, lock=ws.lock)
    with ws.lock:
        if ws.candidate is not None:
            stop_run(ws)
        ws.run = run
        ws._forecast_cache = None
    return run
