"""Read an uploaded file of any kind LSTM Lens knows, and remember how it was read so the choice can change.

A text table goes to :func:`~lstm_viz.data.read_table`, an ``.xlsx`` workbook to
:func:`~lstm_viz.data.workbook.read_workbook` (one sheet); either may then be a
year × month table, read by default as one series
(:mod:`~lstm_viz.data.wide`). :class:`FileReading` keeps the file's bytes, its
sheets and both layouts, so the Data page can offer another sheet, or the table
as columns, without the student uploading again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lstm_viz.data import read, wide, workbook
from lstm_viz.data.read import Table
from lstm_viz.errors import LensError


@dataclass(frozen=True, eq=False)
class FileReading:
    """One file as read, and the choices a student can change.

    Attributes
    ----------
    table : Table
        The table the series is taken from (unpivoted when ``as_series``).
    as_read : Table
        The file's (sheet's) table as laid out.
    wide : WideLayout or None
        Set when the table is years × months (quarters).
    as_series : bool
        True when the year × month table is read as one series.
    sheets : tuple of str
        A workbook's worksheets (empty for a text file).
    sheet : str or None
        The sheet read.
    raw : bytes
        The file's bytes, kept in memory to read another sheet or layout (empty for a plain text table).
    """

    table: Table
    as_read: Table
    wide: wide.WideLayout | None
    as_series: bool
    sheets: tuple[str, ...] = ()
    sheet: str | None = None
    raw: bytes = field(default=b"", repr=False)


def read_source(data: bytes, name: str, sheet: str | None = None, as_series: bool | None = None) -> FileReading:
    """Read a text table or an ``.xlsx`` workbook, and unpivot a year × month table.

    Parameters
    ----------
    data : bytes
        The uploaded file's content.
    name : str
        File name, for messages.
    sheet : str, optional
        A workbook's sheet; by default the first that holds a table.
    as_series : bool, optional
        For a year × month (quarter) table: read it as one series (default) or as columns.

    Returns
    -------
    FileReading

    Raises
    ------
    LensError
        ``readers.xls`` for old or password-protected workbooks, any refusal of
        :func:`~lstm_viz.data.read_table` or :func:`~lstm_viz.data.workbook.read_workbook`,
        ``readers.no_sheet_choice`` when a sheet is asked of a text file.
    """
    sheets: tuple[str, ...] = ()
    if workbook.is_ole(data):
        raise LensError("readers.xls", name=name)
    if workbook.is_zip(data):
        found = workbook.read_workbook(data, name, sheet)
        as_read, sheets, sheet = found.table, found.sheets, found.sheet
    elif sheet is not None:
        raise LensError("readers.no_sheet_choice")
    else:
        as_read = read.read_table(data, name)
    layout = wide.detect_wide(as_read)
    as_series = layout is not None and as_series is not False
    table = wide.unpivot(as_read, layout) if as_series else as_read
    # The bytes are kept only where the page can read the file another way (another sheet, another layout).
    raw = bytes(data) if sheets or layout is not None else b""
    return FileReading(table=table, as_read=as_read, wide=layout, as_series=as_series,
                       sheets=sheets, sheet=sheet, raw=raw)
