"""Read one sheet of an Excel workbook (``.xlsx``, ``.xlsm``) into a :class:`~lstm_viz.data.read.Table`.

openpyxl does the reading: a well-kept reader of the Office Open XML format
knows its corners (shared strings, styles that make a number a date, the 1904
date system) better than code of ours would. Everything stays in memory: the
uploaded bytes are opened from a ``BytesIO``, never written to disk.

The work is bounded before and while reading:

* the zip's central directory is checked first: a member or the whole archive
  that would unpack past :data:`MAX_UNPACKED_BYTES`, or a member packed more
  than :data:`MAX_RATIO` times, is refused as a zip bomb without being unpacked;
* openpyxl runs with ``read_only=True`` (it streams the sheet's rows, each as
  wide as its own last cell), a row wider than :data:`~lstm_viz.data.read.MAX_COLUMNS`
  is refused, and reading stops one row past :data:`~lstm_viz.data.read.MAX_ROWS`,
  past :data:`MAX_CELLS` cells (openpyxl is pure Python: ten times a CSV's cost per cell), or once the cells would make more text than :data:`~lstm_viz.data.decode.MAX_BYTES`.

The cells then go through the CSV reader as text (dates written ISO 8601), so
a sheet gets exactly the column typing, caps and refusals a CSV file gets.
Two things only a workbook has are handled here: dates stored as bare Excel
serial numbers (43831 for 2020-01-01) in a date column, and header rows split
over two or three lines with merged cells above (``Temperature`` over ``max``
and ``min``), which are joined into one header (``Temperature max``).
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from lstm_viz.data import decode, read
from lstm_viz.data.read import Table, brief
from lstm_viz.errors import LensError

MAX_UNPACKED_BYTES: int = 200 * 2**20  # the XML of a 20 MB workbook of numbers; far past any lesson's data
MAX_RATIO: int = 100  # sheet XML packs 5–20×; a thousandfold member is a zip bomb
# openpyxl parses cells in Python, ~10 µs of CPU each (a CSV cell costs a tenth of that): a sheet
# of a million cells holds the GIL ~10 s, the most one upload may take from a classroom server.
MAX_CELLS: int = 1_000_000
MAX_HEADER_ROWS: int = 3  # header lines that may be joined into one (a merged title row over column names)

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # old .xls, and any password-protected Office file
# Headers under which a column of plain numbers is Excel serial dates (days since 1899-12-30).
_DATE_HEADER = re.compile(r"(?i)\b(date|datetime|time|timestamp|day)\b|日期|时间|時間")
_SERIAL_RANGE = (367.0, 2_958_465.0)  # 1901-01-01 .. 9999-12-31; smaller numbers are more likely counts


@dataclass(frozen=True, eq=False)
class SheetTable:
    """A workbook sheet read as a table.

    Attributes
    ----------
    table : Table
        The sheet, typed like a CSV file (its ``notes`` say what reading the workbook changed).
    sheets : tuple of str
        The workbook's worksheets, in workbook order (chart sheets left out).
    sheet : str
        The sheet read.
    """

    table: Table
    sheets: tuple[str, ...]
    sheet: str


def is_zip(data: bytes) -> bool:
    """Say whether ``data`` starts like a zip archive (xlsx, ods, docx … are zips)."""
    return data[:4] == _ZIP


def is_ole(data: bytes) -> bool:
    """Say whether ``data`` is an OLE container: an old ``.xls`` or a password-protected Office file."""
    return data[:4] == _OLE


def read_workbook(data: bytes, name: str, sheet: str | None = None) -> SheetTable:
    """Read one sheet of an ``.xlsx`` workbook held in memory.

    Parameters
    ----------
    data : bytes
        The workbook's bytes (an upload); never written to disk.
    name : str
        File name, for messages.
    sheet : str, optional
        Worksheet to read; by default the first one that holds a usable table.

    Returns
    -------
    SheetTable

    Raises
    ------
    LensError
        ``data.too_large``; ``readers.not_workbook`` (a zip that is no workbook),
        ``readers.ods``, ``readers.zip_bomb``, ``readers.corrupt``,
        ``readers.no_sheets``, ``readers.unknown_sheet``, ``readers.too_many_cells``; and for the sheet's
        cells every refusal of :func:`~lstm_viz.data.read_table` (``data.empty``,
        ``data.too_many_rows``, ``data.too_many_columns``, ``data.no_numeric`` …).
    """
    if len(data) > decode.MAX_BYTES:
        raise LensError("data.too_large", name=name, size_mb=len(data) / 2**20, max_mb=decode.MAX_BYTES / 2**20)
    _check_archive(data, name)
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is in requirements.txt
        raise LensError("readers.no_openpyxl", name=name) from exc
    try:
        # read_only streams rows; data_only gives the values a formula last computed, not "=SUM(…)".
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except LensError:
        raise
    except Exception as exc:  # openpyxl raises KeyError, ParseError, InvalidFileException … on broken files
        raise LensError("readers.corrupt", name=name, detail=brief(exc)) from exc
    try:
        sheets = tuple(ws.title for ws in book.worksheets)
        if not sheets:
            raise LensError("readers.no_sheets", name=name)
        if sheet is not None and sheet not in sheets:
            raise LensError("readers.unknown_sheet", name=name, sheet=sheet, sheets=", ".join(sheets))
        first_error: LensError | None = None
        for title in [sheet] if sheet is not None else sheets:
            try:
                table = _sheet_table(book, title, name, epoch=book.epoch)
            except LensError as err:
                if sheet is not None or err.key in _FATAL:
                    raise
                first_error = first_error or err
                continue
            return SheetTable(table=table, sheets=sheets, sheet=title)
        assert first_error is not None
        raise first_error
    except LensError:
        raise
    except Exception as exc:
        raise LensError("readers.corrupt", name=name, detail=brief(exc)) from exc
    finally:
        book.close()  # read_only keeps the archive open until closed


# Refusals about the workbook as a whole: trying the next sheet would only repeat them.
_FATAL = frozenset({"data.too_large", "data.too_many_rows", "data.too_many_columns", "readers.corrupt",
                    "readers.too_many_cells"})


def _check_archive(data: bytes, name: str) -> None:
    """Refuse a zip that is broken, is no workbook, or would unpack into far more than it holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            kind = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, KeyError) as exc:
        raise LensError("readers.corrupt", name=name, detail=brief(exc)) from exc
    if b"opendocument.spreadsheet" in kind:
        raise LensError("readers.ods", name=name)
    if "xl/workbook.xml" not in names:
        raise LensError("readers.not_workbook", name=name)
    # The sizes in the central directory bound what zipfile will unpack (it stops there and checks the CRC).
    total = sum(m.file_size for m in members)
    packed_too_tight = any(m.file_size > 2**20 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members)
    if total > MAX_UNPACKED_BYTES or packed_too_tight:
        raise LensError("readers.zip_bomb", name=name, unpacked_mb=round(total / 2**20),
                        max_mb=MAX_UNPACKED_BYTES // 2**20)


def _sheet_table(book: Any, title: str, name: str, epoch: dt.datetime) -> Table:
    rows = _rows(book[title], name)
    notes: list[tuple[str, dict]] = [("readers.note.sheet", {"sheet": title})]
    rows, joined = _join_header_rows(rows)
    if joined:
        notes.append(("readers.note.header_joined", {"n": joined, "example": _example_joined(rows[0])}))
    rows, converted = _serial_dates(rows, epoch)
    for column in converted:
        notes.append(("readers.note.serial_dates", {"column": column}))
    text = _to_csv(rows, name)
    table = read.read_table(text.encode("utf-8"), name=f"{name} · {title}")
    return dataclasses.replace(table, notes=(*notes, *table.notes))


def _rows(ws: Any, name: str) -> list[list[Any]]:
    """Return the sheet's non-empty rows with trailing empty cells cut, within the caps."""
    rows: list[list[Any]] = []
    n_seen = n_cells = 0
    # Forget the sheet's stated size: openpyxl would pad every row to it (a sheet "A1:XFD1048576" is 16,384
    # cells a row), and a max_col pads just the same. Each row then ends at its own last cell.
    ws.reset_dimensions()
    for values in ws.iter_rows(values_only=True):
        n_seen += 1
        if n_seen > 4 * (read.MAX_ROWS + MAX_HEADER_ROWS):  # a sheet of formatted, empty rows
            raise LensError("data.too_many_rows", name=name, max_rows=read.MAX_ROWS)
        cells = list(values)
        while cells and _blank(cells[-1]):
            cells.pop()
        if not cells:
            continue
        if len(cells) > read.MAX_COLUMNS:
            raise LensError("data.too_many_columns", name=name, n_columns=f"> {read.MAX_COLUMNS}",
                            max_columns=read.MAX_COLUMNS)
        rows.append(cells)
        n_cells += len(cells)
        if n_cells > MAX_CELLS:
            raise LensError("readers.too_many_cells", name=name, max_cells=MAX_CELLS, n_rows=len(rows))
        if len(rows) > read.MAX_ROWS + MAX_HEADER_ROWS + 1:
            raise LensError("data.too_many_rows", name=name, max_rows=read.MAX_ROWS)
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows]


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _is_value(cell: Any) -> bool:
    """A number or a date: data rather than a header (text that reads as a number counts too)."""
    if isinstance(cell, (int, float, dt.date, dt.datetime, dt.time)) and not isinstance(cell, bool):
        return True
    if isinstance(cell, str):
        try:
            float(cell.strip().replace(",", ""))
        except ValueError:
            return False
        return True
    return False


def _join_header_rows(rows: list[list[Any]]) -> tuple[list[list[Any]], int]:
    """Join header lines stacked above the column names into one header row.

    A merged cell keeps its text in its first (left) cell only, so a label of
    an upper line stands for the blank cells to its right until the next label:
    ``["", "Temperature", ""]`` over ``["date", "max", "min"]`` becomes
    ``["date", "Temperature max", "Temperature min"]``. An upper line with a
    single label over a wider table is a title and is left out.

    Returns
    -------
    rows : list of list
        With the joined header first.
    n_joined : int
        Upper header lines joined into it (0 when there was one header line).
    """
    top = 0
    while top < min(MAX_HEADER_ROWS, len(rows) - 1) and not any(_is_value(c) for c in rows[top + 1]):
        top += 1
    if top == 0:
        return rows, 0
    width = len(rows[0])
    upper = [r for r in rows[:top] if sum(not _blank(c) for c in r) > 1 or width == 1]  # titles dropped
    header = [str(c).strip() if not _blank(c) else "" for c in rows[top]]
    for line in reversed(upper):
        label = ""
        for k, cell in enumerate(line):
            if not _blank(cell):
                label = str(cell).strip()
            if label and label != header[k]:
                header[k] = f"{label} {header[k]}".strip()
    return [header, *rows[top + 1:]], len(upper)


def _example_joined(header: list[Any]) -> str:
    spaced = [str(h) for h in header if " " in str(h)]
    return spaced[0] if spaced else str(header[-1])


def _serial_dates(rows: list[list[Any]], epoch: dt.datetime) -> tuple[list[list[Any]], list[str]]:
    """Turn Excel serial numbers into dates in columns that hold dates: a date header, or dates beside them."""
    from openpyxl.utils.datetime import from_excel

    if len(rows) < 2:
        return rows, []
    header, body = rows[0], rows[1:]
    converted = []
    for k, title in enumerate(header):
        cells = [r[k] for r in body if not _blank(r[k])]
        numbers = [c for c in cells if isinstance(c, (int, float)) and not isinstance(c, bool)]
        dates = [c for c in cells if isinstance(c, (dt.date, dt.datetime))]
        if not numbers or len(numbers) + len(dates) < 0.8 * len(cells):
            continue
        if not (dates or (isinstance(title, str) and _DATE_HEADER.search(title))):
            continue
        if not all(_SERIAL_RANGE[0] <= c <= _SERIAL_RANGE[1] for c in numbers):
            continue
        for r in body:
            if isinstance(r[k], (int, float)) and not isinstance(r[k], bool):
                r[k] = from_excel(r[k], epoch=epoch)
        converted.append(str(title))
    return rows, converted


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, dt.datetime):
        return cell.strftime("%Y-%m-%d") if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else repr(cell)
    return str(cell).strip()


def _to_csv(rows: list[list[Any]], name: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([_cell_text(c) for c in row])
        if out.tell() > decode.MAX_BYTES:  # the text a CSV of this sheet would be: the same cap
            raise LensError("data.too_large", name=name, size_mb=out.tell() / 2**20, max_mb=decode.MAX_BYTES / 2**20)
    return out.getvalue()
