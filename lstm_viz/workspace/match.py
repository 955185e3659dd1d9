"""Whether the pictures a page shows belong to the data set and model the student has selected.

Two questions, asked by every page that draws the model (Train, Gates,
Forecast, Downloads, One cell by hand):

- :func:`stale_view`: was the model trained on another data set (or another
  split) than the one loaded now, or is a new model warming up while the
  previous one is still shown?
- :func:`series_mismatch`: does a model loaded from a file come from another
  series than the current one (name, time step, scale)? A model of monthly
  airline passengers (100–600) fed the yearly Nile (450–1,370) scores
  "228 % worse than last value", and the student should know why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_viz.windows import Scaler
from lstm_viz.workspace.state import Dataset, Run, Workspace

# Two training ranges are "the same scale" when their midpoints are less than one half-width apart
# and their widths differ by less than this factor (a re-split of the same series stays well inside).
SCALE_RATIO = 2.0


def same_data(a: Dataset, b: Dataset) -> bool:
    """Return True if ``a`` and ``b`` hold the same series (the same load, or a reload of the same values)."""
    if a.data_id == b.data_id:
        return True
    return a.label == b.label and np.array_equal(a.series.values, b.series.values)


def stale_view(ws: Workspace, run: Run | None = None) -> tuple[str, dict[str, Any]] | None:
    """Say why the pictures of ``run`` are not those of the data set and model now selected.

    The key is one of ``lstm_viz/i18n/faults.py`` or ``lstm_viz/i18n/inputs.py``.

    Parameters
    ----------
    ws : Workspace
    run : Run, optional
        The run a page draws; the current model ``ws.run`` by default (the
        Train page passes the run of its live view).

    Returns
    -------
    (str, dict) or None
        An i18n key of ``lstm_viz/i18n/faults.py`` and its parameters, or None
        when the pictures are up to date:

        - ``faults.stale.data``: the model was trained on another data set;
        - ``faults.stale.split``: same data, but the test part was resized since;
        - ``faults.stale.val``: same data and test part, but the validation part was resized since;
        - ``inputs.stale``: same split, but other inputs (covariates) are chosen now;
        - ``faults.stale.warming``: a new model is training and has not finished
          its first epoch, so the previous one is still shown.
    """
    run = ws.run if run is None else run
    if run is None:
        return None
    current = ws.dataset
    if current is not None and not same_data(current, run.dataset):
        return "faults.stale.data", {"model_data": run.dataset.label, "data": current.label}
    if current is not None and run.split.test_size != current.test_size:
        return "faults.stale.split", {"was": run.split.test_size, "now": current.test_size}
    if current is not None and run.split.val_size != current.val_size:
        return "faults.stale.val", {"was": run.split.val_size, "now": current.val_size}
    if current is not None and run.input_names != current.input_names:
        return "inputs.stale", {"model": ", ".join(run.input_names), "now": ", ".join(current.input_names)}
    if ws.training and ws.candidate is not run:
        return "faults.stale.warming", {}
    return None


@dataclass(frozen=True)
class SeriesMismatch:
    """How a loaded model's series differs from the one it now runs on; every field None when it fits.

    Attributes
    ----------
    name : (str, str) or None
        (saved, current) series names, when they differ.
    freq : (str, str) or None
        (saved, current) pandas offset aliases of the time step, when both are known and differ.
    scale : ((float, float), (float, float)) or None
        (saved, current) (low, high) ranges of the training values, when they are not on one scale.
    """

    name: tuple[str, str] | None = None
    freq: tuple[str, str] | None = None
    scale: tuple[tuple[float, float], tuple[float, float]] | None = None

    def __bool__(self) -> bool:
        return any(part is not None for part in (self.name, self.freq, self.scale))


def training_range(scaler: Scaler) -> tuple[float, float]:
    """Return the (low, high) range a fitted scaler implies for its training values.

    Exact for min-max (it maps low..high onto -1..1); mean ± 2 std for a standard scaler.
    """
    half = scaler.scale if scaler.kind == "minmax" else 2.0 * scaler.scale
    return scaler.shift - half, scaler.shift + half


def _same_scale(saved: tuple[float, float], current: tuple[float, float]) -> bool:
    half_saved, half_now = (saved[1] - saved[0]) / 2, (current[1] - current[0]) / 2
    middle_gap = abs((saved[0] + saved[1]) / 2 - (current[0] + current[1]) / 2)
    if half_saved <= 0 or half_now <= 0:  # a flat series: only the level can be compared
        return middle_gap <= max(abs(saved[0]), abs(current[0]), 1e-12) * 0.5
    return middle_gap <= half_saved and 1 / SCALE_RATIO <= half_now / half_saved <= SCALE_RATIO


def series_mismatch(run: Run | None) -> SeriesMismatch:
    """Compare a model loaded from a file with the series it now runs on.

    A model trained here always fits its own series; a loaded one carries
    the series name and time step it was saved with (``Run.origin``, see
    :func:`~lstm_viz.workspace.model_file`) and its scaler, fitted on the
    training values it saw.

    Parameters
    ----------
    run : Run or None

    Returns
    -------
    SeriesMismatch
        Falsy when the model fits (or is not a loaded one).
    """
    if run is None or not run.loaded:
        return SeriesMismatch()
    origin, dataset, split = run.origin, run.dataset, run.split
    saved_name, current_name = origin.get("series"), dataset.label
    saved_name = None if saved_name is None else str(saved_name)[:80]  # the file is the student's: keep it short
    name = (saved_name, current_name) if saved_name is not None and saved_name != current_name else None
    saved_freq, current_freq = origin.get("freq"), dataset.series.freq
    freq = (str(saved_freq), str(current_freq)) if saved_freq and current_freq and saved_freq != current_freq else None
    saved_range = training_range(split.scaler)
    # Compare like with like: the model's scaler saw what the model reads (log, differences …), not the values.
    model_series = split.transform.model_series(split.values)
    current_range = training_range(Scaler.fit(model_series[split.transform.diff : split.n_fit], split.scaler.kind))
    scale = None if _same_scale(saved_range, current_range) else (saved_range, current_range)
    return SeriesMismatch(name=name, freq=freq, scale=scale)
