"""Read the current file another way: another sheet of its workbook, or its year × month table as columns."""
from __future__ import annotations

from lstm_viz.data import choose
from lstm_viz.errors import LensError
from lstm_viz.workspace.datasets import load_sample, load_upload
from lstm_viz.workspace.state import Dataset, Workspace


def choose_sheet(ws: Workspace, sheet: str) -> Dataset:
    """Read another sheet of the current workbook; on LensError the current series stays.

    Raises
    ------
    LensError
        ``ws.no_data``, ``readers.no_sheet_choice`` (not a workbook), or any refusal of the sheet.
    """
    current = ws.dataset
    if current is None:
        raise LensError("ws.no_data")
    reading = current.reading
    if reading is None or not reading.sheets:
        raise LensError("readers.no_sheet_choice")
    return load_upload(ws, reading.raw, current.name, sheet=sheet)


def set_shape(ws: Workspace, as_series: bool) -> Dataset:
    """Read the current year × month (quarter) table as one series, or as columns; reversible.

    Raises
    ------
    LensError
        ``ws.no_data``, ``readers.not_wide``, or any refusal of the table read that way.
    """
    current = ws.dataset
    if current is None:
        raise LensError("ws.no_data")
    reading = current.reading
    if reading is None or reading.wide is None:
        raise LensError("readers.not_wide")
    if current.source == "sample":
        return load_sample(ws, current.name, as_series=as_series)
    return load_upload(ws, reading.raw, current.name, sheet=reading.sheet, as_series=as_series)


def short_need(dataset: Dataset) -> int:
    """Return how many points the data set would need not to be very short (see :func:`is_short`)."""
    return choose.short_need(dataset.window, dataset.test_size)


def is_short(dataset: Dataset) -> bool:
    """Say whether the data set is very short: fewer points than about three windows plus its test part."""
    return choose.is_short(dataset.n_points, dataset.window, dataset.test_size)
