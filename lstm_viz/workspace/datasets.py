"""Make a series the current data set: a sample, an upload, other columns, another split."""
from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np
import pandas as pd

from lstm_viz import config
from lstm_viz.data import Series, choose, prepare_series, source
from lstm_viz.config import LIMITS, Config
from lstm_viz.errors import LensError
from lstm_viz.samples import SAMPLES, sample_bytes
from lstm_viz.transforms import suggest_transform
from lstm_viz.windows import MIN_TRAIN_WINDOWS
from lstm_viz.workspace.state import Dataset, Workspace

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a classroom CSV is kilobytes; this keeps a stray 1 GB file out
# Covariates a model may read beside the target: a weather file has 3-5, a stock file 4; more only
# dilutes a classroom series (and each one widens every gate's weights).
MAX_COVARIATES = 8
DEFAULT_SAMPLE = "airline"


def suggest_split(n_points: int, season: int | None) -> tuple[int, int, int]:
    """Suggest (window, test_size, horizon) for a series of ``n_points`` with an optional season.

    One season in and one season held out when the series is long enough
    (at least 5 seasons), otherwise about a tenth of the series in and a fifth held out.
    """
    if season and 2 <= season and n_points >= 5 * season:
        window, test_size = season, season
    else:
        window = int(np.clip(n_points // 10, 2, 24))
        test_size = int(np.clip(n_points // 5, 1, 60))
    window = int(np.clip(window, LIMITS["window"][0], min(LIMITS["window"][1], 64)))
    return window, test_size, test_size


def min_points(window: int = 2, test_size: int = 1, val_size: int = 0) -> int:
    """Return how many points a series needs for ``window``, ``test_size`` and ``val_size`` (see :func:`split_series`)."""
    return int(window) + MIN_TRAIN_WINDOWS + int(test_size) + int(val_size)


def suggest_val_size(n_points: int, season: int | None, window: int, test_size: int) -> int:
    """Suggest how many points before the test part to hold out for validation (0: too short for any).

    One season when the series holds at least six (a season each to read, to validate
    and to test, and three to learn from), otherwise about a tenth of the series; then
    halved until the training part keeps ``window`` plus a few training windows.
    """
    if season and season >= 2 and n_points >= 6 * season:
        val_size = int(season)
    else:
        val_size = int(np.clip(n_points // 10, 1, 60))
    while val_size > 0 and n_points < min_points(window, test_size, val_size):
        val_size //= 2
    return val_size


def _make_dataset(
    table,
    source: str,
    name: str,
    target: str | None,
    time_column: str | None,
    series_column: str | None,
    series_name: str | None,
    defaults: tuple[int, int, int, int | None] | None = None,
) -> Dataset:
    """Prepare a series from ``table`` and wrap it with its split settings; raises LensError.

    Without a ``target``, the most forecastable numeric column
    (:func:`lstm_viz.data.choose.default_target`) is taken, or else the first
    other one that makes a usable series (a constant flag or a mostly empty
    column is passed over, and the report says so); if none does, the first
    one's refusal is raised.
    """
    if series_column and series_name is None:
        names = series_names(table, series_column)
        series_name = names[0] if names else None
    if target is None:
        candidates = [c for c in table.numeric_columns if c != time_column and c != series_column]
        if not candidates:
            raise LensError("ws.no_numeric", name=name)
        # The most forecastable column first (choose.default_target), then the others in file order
        # (never a row counter in place of a column that cannot be forecast: see _first_usable).
        preferred = choose.default_target(table.frame, candidates)
        candidates = [preferred, *(c for c in candidates if c != preferred)]
        series, target = _first_usable(table, candidates, time_column, series_column, series_name)
    else:
        series = _series_of(table, target, time_column, series_column, series_name)
    n = int(len(series.values))
    if defaults is not None:
        window, test_size, horizon, season = defaults
    else:
        # Season and split from the time step (a daily series: weekly only if the data shows it).
        season = choose.season_in_time(series.values, series.freq) if series.time is not None else series.season
        window, test_size, horizon = choose.split_in_time(n, series.freq, season) or suggest_split(n, season)
    # Shrink the test part (never below one point) until a split with this window is possible.
    while test_size > 1 and n < min_points(window, test_size):
        test_size = max(1, test_size // 2)
    while window > 2 and n < min_points(window, test_size):
        window = max(2, window // 2)
    val_size = suggest_val_size(n, season, window, test_size)
    return Dataset(
        series=series,
        table=table,
        source=source,
        name=name,
        target=target,
        time_column=time_column,
        series_column=series_column,
        series_name=series_name,
        test_size=int(test_size),
        horizon=int(max(1, horizon)),
        season=season,
        window=int(window),
        val_size=int(val_size),
    )


# Refusals that concern one column's values: another column of the same file may still make a series.
_COLUMN_REFUSALS = frozenset({"data.constant", "data.mostly_missing", "data.too_few", "data.no_values",
                              "data.extreme", "safety.outlier", "ws.too_short"})
MAX_TARGET_TRIES = 10  # columns tried before giving up: each try cleans a whole column


def _series_of(table, target: str, time_column, series_column, series_name):
    """Return the prepared series of ``target``, or raise LensError (too short for a split included)."""
    series = prepare_series(
        table, target, time_column=time_column, series_column=series_column, series_name=series_name
    )
    n = int(len(series.values))
    if n < min_points():
        raise LensError("ws.too_short", n=n, need=min_points())
    return series


def _first_usable(table, candidates: list[str], time_column, series_column, series_name):
    """Return (series, column) of the first of ``candidates`` that makes a usable series."""
    first_error: LensError | None = None
    # A column that only counts rows is no series to forecast, even when the first column is unusable.
    fallbacks = [c for c in candidates[1:] if c not in table.counter_columns]
    for column in [candidates[0], *fallbacks][:MAX_TARGET_TRIES]:
        try:
            series = _series_of(table, column, time_column, series_column, series_name)
        except LensError as err:
            if err.key not in _COLUMN_REFUSALS:
                raise
            first_error = first_error or err
            continue
        if column != candidates[0]:
            note = ("safety.note.other_column", {"skipped": candidates[0], "column": column})
            report = dataclasses.replace(series.report, notes=(note, *series.report.notes))
            series = dataclasses.replace(series, report=report)
        return series, column
    raise first_error


def series_names(table, series_column: str) -> list[str]:
    """Return the distinct series names in a long-format ``table``'s ``series_column``, in file order."""
    return table.frame[series_column].dropna().astype(str).unique().tolist()


def load_sample(ws: Workspace, key: str, as_series: bool | None = None) -> Dataset:
    """Load the sample ``key`` with its teaching defaults and make it the current data set.

    ``as_series=False`` reads a year × month sample as columns (its teaching defaults then do not apply).
    """
    sample = SAMPLES.get(key)
    if sample is None:
        raise LensError("samples.unknown", name=key, known=", ".join(SAMPLES))
    reading = source.read_source(sample_bytes(key), sample.file, as_series=as_series)
    table = reading.table
    as_set_up = sample.target in table.numeric_columns
    # A step counter (0, 1, 2 …) is not a time column to the reader: then the points are just numbered.
    time_column = sample.time_column if sample.time_column in table.time_columns else None
    if not as_set_up and table.time_columns:
        time_column = table.time_columns[0]
    dataset = _make_dataset(
        table,
        "sample",
        key,
        sample.target if as_set_up else None,
        time_column,
        sample.series_column,
        sample.series_name,
        defaults=(sample.window, sample.test_size, sample.horizon, sample.season) if as_set_up else None,
    )
    dataset.reading = reading
    ws.dataset = dataset
    return dataset


def sample_series(key: str) -> Series:
    """Read a shipped sample's series as :func:`load_sample` does, without touching the student's workspace."""
    return load_sample(Workspace(), key).series


def load_upload(
    ws: Workspace,
    data: bytes,
    name: str,
    target: str | None = None,
    time_column: str | None = "auto",
    series_column: str | None = "auto",
    series_name: str | None = None,
    sheet: str | None = None,
    as_series: bool | None = None,
) -> Dataset:
    """Read an uploaded file and make its series the current data set.

    Parameters
    ----------
    data : bytes
        The file's content: CSV, TSV or TXT (separator, encoding and decimal comma
        are detected), or an ``.xlsx`` workbook.
    name : str
        The file name, shown to the student.
    target, time_column, series_column, series_name :
        Columns to use; ``"auto"`` takes the first detected time / series-name
        column, None means none. The default target is :func:`~lstm_viz.data.choose.default_target`'s.
    sheet : str, optional
        A workbook's sheet; by default the first that holds a table.
    as_series : bool, optional
        A year × month (quarter) table is read as one series unless this is False.

    Raises
    ------
    LensError
        If the file cannot be read or holds no usable series; ``ws`` is then unchanged.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise LensError("ws.too_big", mb=round(len(data) / 2**20, 1), max_mb=MAX_UPLOAD_BYTES // 2**20)
    reading = source.read_source(data, name, sheet=sheet, as_series=as_series)
    table = reading.table
    if time_column == "auto":
        time_column = table.time_columns[0] if table.time_columns else None
    if series_column == "auto":
        # A long-format file repeats its time stamps, once per series: only then pick a series column.
        repeats = time_column is not None and bool(table.frame[time_column].duplicated().any())
        series_column = table.series_columns[0] if table.series_columns and repeats else None
    dataset = _make_dataset(table, "upload", name, target, time_column, series_column, series_name)
    dataset.reading = reading
    ws.dataset = dataset
    return dataset


def choose_columns(
    ws: Workspace,
    target: str,
    time_column: str | None,
    series_column: str | None = None,
    series_name: str | None = None,
) -> Dataset:
    """Re-read the current file with other columns; on LensError the current series stays."""
    current = ws.dataset
    if current is None:
        raise LensError("ws.no_data")
    if not series_column or series_name not in series_names(current.table, series_column):
        series_name = None
    same_file = current.source == "sample" and (target, time_column) == (current.target, current.time_column)
    defaults = (current.window, current.test_size, current.horizon, current.season) if same_file else None
    dataset = _make_dataset(
        current.table, current.source, current.name, target, time_column, series_column, series_name, defaults
    )
    dataset.reading = current.reading
    # The other inputs stay chosen when they still fit the new series; else the student picks again (the page shows none).
    kept = tuple(c for c in current.inputs if c not in (target, time_column, series_column))
    if kept:
        try:
            dataset.inputs, dataset.covariates = kept, covariate_values(dataset, kept)
        except LensError:
            pass
    ws.dataset = dataset
    return dataset


def input_choices(dataset: Dataset) -> list[str]:
    """Return the numeric columns of the data set's file that can be read beside its target, in file order."""
    roles = {dataset.target, dataset.time_column, dataset.series_column}
    return [c for c in dataset.table.numeric_columns if c not in roles]


def covariate_values(dataset: Dataset, columns: Sequence[str]) -> np.ndarray:
    """Return ``columns`` of the data set's file on its series' steps, float64 (N, len(columns)).

    Each column is cleaned as a target would be (text cells, repeated time stamps,
    gaps inside filled; :func:`lstm_viz.data.prepare_series`), then put on the
    target's time stamps: a value missing inside is interpolated in time, but a
    column that does not cover the target's whole span is refused, never padded.

    Raises
    ------
    LensError
        The column's own refusal (constant, mostly empty …), or ``inputs.not_covering``.
    """
    series = dataset.series
    n = int(len(series.values))
    out = np.empty((n, len(columns)), np.float64)
    for d, column in enumerate(columns):
        other = prepare_series(dataset.table, column, time_column=dataset.time_column,
                               series_column=dataset.series_column, series_name=dataset.series_name)
        if series.time is not None and other.time is not None:
            on_steps = pd.Series(other.values, index=other.time).reindex(series.time)
            on_steps = on_steps.interpolate(method="time", limit_area="inside")
            values = on_steps.to_numpy(np.float64)
        else:  # no time column: rows in file order, so both must keep the very same rows (none left out at an end)
            same_rows = len(other.values) == n and other.report.n_dropped_ends == series.report.n_dropped_ends == 0
            values = other.values if same_rows else np.full(n, np.nan)
        missing = int(np.isnan(values).sum())
        if missing:
            raise LensError("inputs.not_covering", column=column, n=missing, target=dataset.target)
        out[:, d] = values
    return out


def set_inputs(ws: Workspace, columns: Sequence[str]) -> Dataset:
    """Let the model read ``columns`` of the current file beside the target's past; () for the target alone.

    Reversible, and the current model stays (a model reads what it was trained with;
    the pages say when it differs from the inputs chosen now). The data set is
    replaced by a copy with the same ``data_id``, so a run keeps the data set it was trained on.

    Raises
    ------
    LensError
        ``ws.no_data``, ``inputs.unknown`` (not a numeric column besides the target),
        ``inputs.too_many`` or a column's refusal (:func:`covariate_values`); ``ws`` is then unchanged.
    """
    dataset = ws.dataset
    if dataset is None:
        raise LensError("ws.no_data")
    columns = tuple(dict.fromkeys(str(c) for c in columns))  # once each, in the order picked
    allowed = input_choices(dataset)
    for column in columns:
        if column not in allowed:
            raise LensError("inputs.unknown", column=column, target=dataset.target,
                            allowed=", ".join(allowed) or "–")
    if len(columns) > MAX_COVARIATES:
        raise LensError("inputs.too_many", n=len(columns), max=MAX_COVARIATES)
    covariates = covariate_values(dataset, columns) if columns else None
    ws.dataset = dataclasses.replace(dataset, inputs=columns, covariates=covariates)
    return ws.dataset


def set_split(ws: Workspace, test_size: int, horizon: int, val_size: int | None = None) -> None:
    """Set the test size, forecast horizon and validation size of the current data set, or raise LensError.

    ``val_size`` None keeps the current validation part.
    """
    dataset = ws.dataset
    if dataset is None:
        raise LensError("ws.no_data")
    test_size, horizon = int(test_size), int(horizon)
    val_size = dataset.val_size if val_size is None else int(val_size)
    if test_size < 1:
        raise LensError("windows.test_size", test_size=test_size)
    if horizon < 1:
        raise LensError("forecast.horizon", horizon=horizon)
    if val_size < 0:
        raise LensError("windows.val_size", val_size=val_size)
    need = min_points(2, test_size, val_size)
    if dataset.n_points < need:
        if val_size:
            raise LensError("windows.not_enough_val", n=dataset.n_points, window=2, test_size=test_size,
                            val_size=val_size, need=need)
        raise LensError("windows.not_enough", n=dataset.n_points, window=2, test_size=test_size, need=need)
    if test_size > max_test_size(dataset) or horizon > config.MAX_HORIZON:
        raise LensError("safety.split_cap", test_size=test_size, horizon=horizon,
                        max_test=max_test_size(dataset), max_horizon=config.MAX_HORIZON)
    dataset.test_size, dataset.horizon, dataset.val_size = test_size, horizon, val_size


def max_test_size(dataset: Dataset) -> int:
    """Return the largest test part: room for the validation part, a window of 2 and a few training windows,
    and at most ``MAX_TEST_SIZE``.

    The test part is rolled out step by step on the Forecast page (and predicted by the live view),
    so it is capped whatever the series' length.
    """
    return max(1, min(dataset.n_points - min_points(2, 0, dataset.val_size), config.MAX_TEST_SIZE))


def max_val_size(dataset: Dataset) -> int:
    """Return the largest validation part that still leaves room for the test part, a window of 2 and a few training windows."""
    return max(0, dataset.n_points - min_points(2, dataset.test_size))


def recommended_config(dataset: Dataset) -> Config:
    """Return settings that train well on ``dataset`` in a few seconds: a first lesson's defaults.

    :class:`Config`'s defaults (32 hidden units, one layer, 100 epochs of Adam
    at lr 0.01, batches of 32), the data set's window (about one season), one
    torch thread, and batches of 64 for long series so an epoch stays a few
    dozen Adam steps. A trending series is differenced, and a log taken first when
    it is positive and spans a wide range (:func:`lstm_viz.transforms.suggest_transform`,
    looking at the training part only): on the airline series this takes the median
    test RMSE over seeds 0–4 from 85 to 23 at the same cost (README, "Accuracy").
    """
    n_fit = dataset.n_points - dataset.test_size - dataset.val_size
    n_windows = max(1, n_fit - dataset.window)
    transform, diff = suggest_transform(dataset.series.values[: max(1, n_fit)], dataset.season)
    base = Config()
    return base.replace(
        window=dataset.window,
        batch_size=base.batch_size if n_windows < 500 else 64,
        max_snapshots=30,
        num_threads=1,
        transform=transform,
        diff=diff,
    )
