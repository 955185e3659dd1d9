"""Read a student's CSV/TSV/TXT file and turn one of its columns into a clean series.

Two steps, two functions:

* :func:`read_table` sniffs the bytes (encoding, separator, decimal mark,
  header), parses them with pandas and sorts every column into *time*,
  *numeric* or *text*, so a page can offer the numeric columns as targets.
* :func:`prepare_series` takes the column the student picked, sorts it by
  time, averages repeated time stamps, fills gaps and missing values, and
  lists everything it did in a :class:`DataReport`.

Files students upload are messy: ``;`` separators with decimal commas
(``1,5``), quoted thousands (``"1,234.5"``), GBK-encoded Chinese headers from
Excel, dates written ``01.02.2020`` or ``1949年1月``. Anything this module
cannot use is refused with a :class:`~lstm_viz.errors.LensError` whose message
says what is wrong and what to do; no pandas or numpy exception escapes.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Literal

import numpy as np
import pandas as pd

from lstm_viz.errors import LensError

MAX_BYTES: int = 20 * 1024 * 1024  # 20 MB: a few years of minute data, far more than a lesson needs
MAX_ROWS: int = 200_000  # data rows; more would make the pages sluggish on a classroom server
MIN_POINTS: int = 10  # fewer points cannot be split into training windows and a test part

NUMERIC_SHARE = 0.8  # a column is numeric when at least this share of its filled cells are numbers
TIME_SHARE = 0.9  # ... and a time column when at least this share parse as times
GAP_FILL_SHARE = 0.25  # fill gaps by interpolation only while they add at most a quarter more points
SNIFF_CHARS = 65_536  # characters of the file's head used to guess its layout
SEPARATORS = ("\t", ";", "|", ",")  # on a tie the comma loses: it may be a decimal mark
WHITESPACE = " "  # Table.separator of a file whose columns are separated by runs of spaces
# Table.separator is "" for a file of one column.

# Cells meaning "no value" (compared lower-case, after stripping spaces).
MISSING_TOKENS = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "nil", "-", "--", "?", ".", "#n/a", "missing", "缺失", "空", "无"}
)

ColumnKind = Literal["time", "numeric", "text", "empty"]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class ColumnInfo:
    """What :func:`read_table` found in one column.

    Attributes
    ----------
    kind : {"time", "numeric", "text", "empty"}
    time_format : str or None
        How the times are written, e.g. ``"%d.%m.%Y"``, ``"ISO 8601"``, ``"year"``, ``"unix s"``.
    numeric_share : float
        Share of the filled cells that are numbers (1.0 for a clean numeric column).
    example : str or None
        A cell that could not be read (not a number, or not a time), for messages.
    non_numeric : bool array (n_rows,) or None
        Cells of a numeric column that held text; they are NaN in ``Table.frame``.
    """

    kind: ColumnKind
    time_format: str | None = None
    numeric_share: float = 0.0
    example: str | None = None
    non_numeric: np.ndarray | None = field(default=None, repr=False)


@dataclass(frozen=True, eq=False)
class Table:
    """A parsed file, its columns sorted into time, numeric and text.

    Attributes
    ----------
    frame : pd.DataFrame
        One row per data row. Numeric columns are float64 (missing and
        non-numeric cells NaN), time columns datetime64 (unreadable NaT),
        the rest stripped strings.
    time_columns : list of str
        Columns holding times, in file order.
    numeric_columns : list of str
        Candidates for the target, in file order except that row counters
        (1, 2, 3, ...) come last; year columns count as time, not here.
    series_columns : list of str
        Text columns that look like series names of a long-format file
        (few distinct values, each repeated), e.g. ``symbol`` in ``date,symbol,price``.
    encoding, separator, decimal : str
        What was sniffed (``separator`` is ``" "`` for runs of spaces, ``""`` for a single column).
    has_header : bool
        False when the first row was data; columns are then ``"column 1"``, ``"column 2"``, ...
    name : str
        File name, for messages.
    columns : dict of str to ColumnInfo
        Per-column details.
    notes : tuple of (key, params)
        What reading changed, as i18n keys (copied into every :class:`DataReport`).
    thousands : str or None
        Thousands separator removed from numbers, if any.
    """

    frame: pd.DataFrame
    time_columns: list[str]
    numeric_columns: list[str]
    series_columns: list[str]
    encoding: str
    separator: str
    decimal: str
    has_header: bool
    name: str
    columns: dict[str, ColumnInfo] = field(default_factory=dict, repr=False)
    notes: tuple[tuple[str, dict], ...] = ()
    thousands: str | None = None


@dataclass(frozen=True)
class DataReport:
    """What :func:`prepare_series` did to the chosen column, for the student to read.

    Attributes
    ----------
    n_rows_read : int
        Rows of the file used (those of the chosen series in a long-format file).
    n_points : int
        Points in the final series.
    n_missing_filled : int
        Missing values inside the series filled by linear interpolation (gaps not included).
    n_dropped_ends : int
        Points left out at the start or end because their value was missing.
    n_non_numeric : int
        Text cells in the target column, treated as missing.
    n_duplicates : int
        Rows whose time stamp repeated an earlier one (averaged away).
    n_gaps : int
        Time steps missing from the regular grid of ``freq``.
    resorted : bool
        True when the rows were sorted by time.
    freq : str or None
        Pandas offset alias of the time step (``"MS"``, ``"D"``, ``"h"`` ...), None if irregular or no time.
    notes : tuple of (key, params)
        i18n keys and their parameters, e.g. ``("data.note.resorted", {"column": "date"})``.
    n_inf : int
        Infinite values in the target column, treated as missing.
    n_bad_time : int
        Rows left out because their time could not be read.
    gaps_filled : bool
        True when the ``n_gaps`` missing steps were interpolated (so the series is on a regular grid).
    """

    n_rows_read: int
    n_points: int
    n_missing_filled: int
    n_dropped_ends: int
    n_non_numeric: int
    n_duplicates: int
    n_gaps: int
    resorted: bool
    freq: str | None
    notes: tuple[tuple[str, dict], ...] = ()
    n_inf: int = 0
    n_bad_time: int = 0
    gaps_filled: bool = False


@dataclass(frozen=True, eq=False)
class Series:
    """A clean univariate series, ready for ``windows.split_series``.

    Attributes
    ----------
    name : str
        Column name (and series name for long-format files).
    values : float64 array (N,)
        Finite values, no NaN.
    time : pd.DatetimeIndex (N,) or None
        Sorted, unique time stamps; None without a time column.
    freq : str or None
        Pandas offset alias of the time step.
    season : int or None
        Steps per season, from ``freq`` (see :func:`season_for`).
    report : DataReport
    """

    name: str
    values: np.ndarray
    time: pd.DatetimeIndex | None
    freq: str | None
    season: int | None
    report: DataReport

    def axis(self) -> np.ndarray | pd.DatetimeIndex:
        """Return the x axis for plots: ``time`` if any, else ``np.arange(N)``."""
        return self.time if self.time is not None else np.arange(self.values.shape[0])


# --------------------------------------------------------------------------- read_table


def read_table(source: bytes | str | os.PathLike | BinaryIO, name: str | None = None) -> Table:
    """Read a CSV/TSV/TXT file and classify its columns.

    Parameters
    ----------
    source : bytes, str, os.PathLike or binary file-like
        The file's bytes, a path to it, or an open file such as Streamlit's
        ``UploadedFile`` (read from the start).
    name : str, optional
        Name used in messages; defaults to the file name, or ``"data"``.

    Returns
    -------
    Table

    Raises
    ------
    LensError
        ``data.not_found``, ``data.too_large``, ``data.empty``, ``data.binary``,
        ``data.spreadsheet``, ``data.encoding``, ``data.ragged``,
        ``data.too_many_rows``, ``data.header_only``, ``data.no_numeric``,
        or ``data.unreadable`` for anything else.
    """
    label = name or _source_name(source)
    try:
        raw = _read_bytes(source, label)
        text, encoding = _decode(raw, label)
        return _parse(text, encoding, label)
    except LensError:
        raise
    except Exception as exc:  # a student's file must never crash a page
        raise LensError("data.unreadable", name=label, detail=_brief(exc)) from exc


def _source_name(source: Any) -> str:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    found = getattr(source, "name", None)
    return Path(found).name if isinstance(found, str) and found else "data"


def _read_bytes(source: Any, label: str) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        size = len(data)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise LensError("data.not_found", name=label)
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_BYTES else b""
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        size = max(int(getattr(source, "size", 0) or 0), len(data))
    else:
        raise TypeError(f"cannot read a {type(source).__name__}")
    if size > MAX_BYTES:
        raise LensError("data.too_large", name=label, size_mb=size / 2**20, max_mb=MAX_BYTES / 2**20)
    return data


def _decode(raw: bytes, label: str) -> tuple[str, str]:
    """Return the text and the encoding that decoded it."""
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # zip (xlsx, ods) and OLE (xls) containers
        raise LensError("data.spreadsheet", name=label)
    if raw.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", raw[3:])]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        candidates = [("utf-16", raw)]
    elif b"\x00" in raw[:8192]:
        raise LensError("data.binary", name=label)
    else:
        candidates = [("utf-8", raw), ("gb18030", raw)]  # GB18030 is a superset of GBK
    for encoding, body in candidates:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16":
            text = text.lstrip("\ufeff")
        head = text[:8192]
        control = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r\f\v")
        if control > 0.01 * max(len(head), 1):
            raise LensError("data.binary", name=label)
        if not text.strip():
            raise LensError("data.empty", name=label)
        return text, encoding
    if not raw.strip():
        raise LensError("data.empty", name=label)
    raise LensError("data.encoding", name=label)


@dataclass(frozen=True)
class _Layout:
    separator: str
    skip: int  # physical lines before the table
    n_skipped: int  # of which not blank (the preamble a student would see)
    n_fields: int  # the usual number of fields per line
    max_fields: int  # columns to read: short lines are padded up to it
    decimal: str
    thousands: str | None


def _parse(text: str, encoding: str, label: str) -> Table:
    layout = _sniff(text)
    notes: list[tuple[str, dict]] = []
    if layout.n_skipped:
        notes.append(("data.note.preamble", {"n": layout.n_skipped}))
    raw = _read_csv(text, layout, label).apply(lambda col: col.str.strip())
    raw = raw.loc[~(raw == "").all(axis=1)]  # lines of bare separators
    if raw.empty:
        raise LensError("data.empty", name=label)

    has_header = _has_header(raw, layout)
    if has_header:
        given = list(raw.iloc[0])
        names = _unique_names(given)
        raw = raw.iloc[1:]
    else:
        given = [""] * raw.shape[1]
        names = [f"column {k + 1}" for k in range(raw.shape[1])]
    raw = raw.set_axis(names, axis=1).reset_index(drop=True)
    if has_header and raw.empty:
        raise LensError("data.header_only", name=label, columns=", ".join(n for n, g in zip(names, given) if g))
    if len(raw) > MAX_ROWS:
        raise LensError("data.too_many_rows", name=label, max_rows=MAX_ROWS)

    frame: dict[str, Any] = {}
    infos: dict[str, ColumnInfo] = {}
    for column, header in zip(names, given):
        cells = raw[column]
        if not header and (cells == "").all():
            continue  # the empty column a trailing separator leaves behind
        frame[column], infos[column], note = _classify(column, cells, layout)
        if note:
            notes.append(note)
    table_frame = pd.DataFrame(frame)

    time_columns = [c for c, info in infos.items() if info.kind == "time"]
    numeric = [c for c, info in infos.items() if info.kind == "numeric"]
    counters = [c for c in numeric if _is_counter(table_frame[c].to_numpy())]
    numeric_columns = [c for c in numeric if c not in counters] + counters
    series_columns = [c for c, info in infos.items() if info.kind == "text" and _is_series_names(table_frame[c])]
    if not numeric_columns:
        raise LensError("data.no_numeric", name=label, columns=", ".join(names))
    return Table(
        frame=table_frame,
        time_columns=time_columns,
        numeric_columns=numeric_columns,
        series_columns=series_columns,
        encoding=encoding,
        separator=layout.separator,
        decimal=layout.decimal,
        has_header=has_header,
        name=label,
        columns=infos,
        notes=tuple(notes),
        thousands=layout.thousands,
    )


def _sniff(text: str) -> _Layout:
    """Guess separator, preamble, decimal mark and thousands separator from the head of ``text``."""
    physical = text[:SNIFF_CHARS].splitlines()
    if len(text) > SNIFF_CHARS and len(physical) > 1:
        physical = physical[:-1]  # probably cut in the middle
    numbered = [(k, line) for k, line in enumerate(physical) if line.strip()][:200]
    body = [line for _, line in numbered]
    separator, rows = _pick_separator(body)
    counts = [len(row) for row in rows]
    n_fields, _ = _mode_share(counts)

    # The table starts at the first line of the usual width, or at a narrower header just above it.
    first = counts.index(n_fields)
    if first and 2 <= counts[first - 1] < n_fields:
        first -= 1
    # Pad short lines and lines with trailing empty fields; a line with more filled fields is ragged.
    widths = [counts[first]] + [len(row) for row in rows[first:] if _n_filled(row) <= n_fields]
    cells = [cell.strip() for row in rows[first:] for cell in row]
    decimal, thousands = _decimal_mark(cells)
    return _Layout(
        separator=separator,
        skip=numbered[first][0] if first else 0,
        n_skipped=first,
        n_fields=n_fields,
        max_fields=max(widths),
        decimal=decimal,
        thousands=thousands,
    )


def _pick_separator(lines: list[str]) -> tuple[str, list[list[str]]]:
    """Return the separator giving the most consistent field count (at least 2), and the split lines.

    ``""`` means one column. A column of decimal-comma numbers (``1,5``) under
    a header is one column, not two split at the comma.
    """
    # Only under a header without commas: "2001,5" lines alone are more likely a year and a value.
    values = [line.strip() for line in lines[1:]]
    if (
        lines
        and "," not in lines[0]
        and values
        and all(_ONE_DECIMAL_COMMA.fullmatch(v) for v in values)
        and any(_DEC_COMMA.fullmatch(v) for v in values)
    ):
        return "", list(csv.reader(lines, delimiter="\x1f"))
    best: tuple[float, int, str, list[list[str]]] | None = None
    for rank, sep in enumerate(SEPARATORS):
        rows = list(csv.reader(lines, delimiter=sep))
        mode, share = _mode_share([len(row) for row in rows])
        if mode >= 2 and (best is None or (share, -rank) > (best[0], -best[1])):
            best = (share, rank, sep, rows)
    if best is not None:
        return best[2], best[3]
    rows = [line.split() for line in lines]
    mode, share = _mode_share([len(row) for row in rows])
    if mode >= 2 and share >= 0.9:
        return WHITESPACE, rows
    return "", list(csv.reader(lines, delimiter="\x1f"))


def _n_filled(row: list[str]) -> int:
    """Count fields up to the last non-empty one (Excel pads rows with trailing separators)."""
    n = len(row)
    while n > 1 and not row[n - 1].strip():
        n -= 1
    return n


def _mode_share(counts: list[int]) -> tuple[int, float]:
    if not counts:
        return 1, 1.0
    mode, hits = Counter(counts).most_common(1)[0]
    return mode, hits / len(counts)


_ONE_DECIMAL_COMMA = re.compile(r"[+-]?\d+(?:,\d+)?")
_DEC_COMMA = re.compile(r"[+-]?(?:0,\d+|\d+,\d{1,2}|\d+,\d{4,}|\d{4,},\d+|\d{1,3}(?:\.\d{3})+,\d+)")
_DEC_POINT = re.compile(r"[+-]?(?:0?\.\d+|\d+\.\d{1,2}|\d+\.\d{4,}|\d{4,}\.\d+|\d{1,3}(?:,\d{3})+\.\d+)")
_GROUPS_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_GROUPS_POINT = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def _decimal_mark(cells: list[str]) -> tuple[str, str | None]:
    """Vote on the decimal mark with the cells that can only be read one way (``1,5`` vs ``1.5``)."""
    comma = sum(1 for c in cells if _DEC_COMMA.fullmatch(c))
    point = sum(1 for c in cells if _DEC_POINT.fullmatch(c))
    if comma > point:
        grouped = point == 0 and any(_GROUPS_POINT.fullmatch(c) for c in cells)
        return ",", "." if grouped else None
    grouped = comma == 0 and any(_GROUPS_COMMA.fullmatch(c) for c in cells)
    return ".", "," if grouped else None


def _read_csv(text: str, layout: _Layout, label: str) -> pd.DataFrame:
    options: dict[str, Any] = dict(
        sep={WHITESPACE: r"\s+", "": "\x1f"}.get(layout.separator, layout.separator),  # \x1f: never splits
        header=None,
        names=list(range(layout.max_fields)),  # short lines are padded, not misread
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skiprows=layout.skip,
        skip_blank_lines=True,
        index_col=False,
        nrows=MAX_ROWS + 2,  # header + one row too many, enough to refuse without reading a huge file
        engine="c",
    )
    if layout.separator == WHITESPACE:
        options["quoting"] = csv.QUOTE_NONE  # as str.split() saw the lines when sniffing
    try:
        with warnings.catch_warnings():
            # "Length of header or names does not match": pandas would silently drop fields.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), **options).fillna("")
    except pd.errors.ParserWarning as exc:
        raise LensError("data.unreadable", name=label, detail=_brief(exc)) from exc
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", str(exc))
        if found:
            line, got = (int(g) for g in found.groups())
            raise LensError("data.ragged", name=label, line=line, found=got, expected=layout.n_fields) from exc
        quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if quote:
            raise LensError("data.quote", name=label, line=int(quote.group(1)) + layout.skip + 1) from exc
        raise LensError("data.unreadable", name=label, detail=_brief(exc)) from exc
    except pd.errors.EmptyDataError as exc:
        raise LensError("data.empty", name=label) from exc


def _has_header(raw: pd.DataFrame, layout: _Layout) -> bool:
    """Say whether the first row names the columns: a text cell above numbers or times."""
    head = raw.iloc[:51]
    top_is_value = []
    for column in head.columns:
        cells = head[column]
        filled = ~cells.str.lower().isin(MISSING_TOKENS).to_numpy()
        values = _looks_like_values(cells, layout)
        top_is_value.append(bool(values[0]))
        if filled[0] and not values[0] and filled[1:].any() and values[1:][filled[1:]].mean() >= NUMERIC_SHARE:
            return True
    # Nothing below to compare with (a one-line file): names are distinct text.
    names = list(head.iloc[0])
    return all(names) and not any(top_is_value) and len(set(names)) == len(names)


def _looks_like_values(cells: pd.Series, layout: _Layout) -> np.ndarray:
    """Say, per stripped cell, whether it reads as a number or a time (data rather than a column name)."""
    values = ~np.isnan(_numbers(cells, layout))
    for fmt in _TEXT_TIME_FORMATS:
        values |= cells.str.fullmatch(fmt.pattern).to_numpy(dtype=bool)
    return values


def _unique_names(names: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    result = []
    for k, name in enumerate(names):
        if not name or name.lower() in {"nan", "unnamed"}:
            name = f"column {k + 1}"
        seen[name] += 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


# --------------------------------------------------------------------------- columns


def _classify(column: str, cells: pd.Series, layout: _Layout) -> tuple[pd.Series, ColumnInfo, tuple | None]:
    """Convert one column of stripped strings; return it, its ColumnInfo and an optional table note."""
    missing = cells.str.lower().isin(MISSING_TOKENS).to_numpy()
    n_filled = int((~missing).sum())
    if n_filled == 0:
        return cells, ColumnInfo("empty"), None
    numbers = _numbers(cells, layout)
    bad = ~missing & np.isnan(numbers)
    share = 1.0 - bad.sum() / n_filled
    if share >= NUMERIC_SHARE:
        found = _numeric_time_format(column, numbers)
        if found is not None:
            label, parse = found
            return pd.Series(parse(numbers)), ColumnInfo("time", label, share), None
        example = str(cells[bad].iloc[0]) if bad.any() else None
        return pd.Series(numbers), ColumnInfo("numeric", None, share, example, bad), None

    sample = cells[~missing].head(500)
    for fmt in _TEXT_TIME_FORMATS:
        if sample.str.fullmatch(fmt.pattern).mean() >= TIME_SHARE:
            times, label, note = fmt.parse(fmt, cells.where(~missing), column)
            break
    else:
        code = next((c for c in _NAMED_MONTH_FORMATS if _strptime(sample, c).notna().mean() >= TIME_SHARE), None)
        times, label, note = (_strptime(cells.where(~missing), code), code, None) if code else (None, None, None)
    if times is not None:
        unread = ~missing & times.isna().to_numpy()
        if unread.sum() <= (1 - TIME_SHARE) * n_filled:
            example = str(cells[unread].iloc[0]) if unread.any() else None
            return times, ColumnInfo("time", label, share, example), note
    return cells, ColumnInfo("text", None, share, str(sample.iloc[0])), None


def _numbers(cells: pd.Series, layout: _Layout) -> np.ndarray:
    """Parse stripped string cells as float64 (NaN where not a number); ``inf`` stays inf."""
    text = cells
    if layout.thousands:
        text = text.str.replace(layout.thousands, "", regex=False)
    if layout.decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    values = _to_float(text)
    # "$12.50" or "12%": strip the sign and retry, only where it helps (a regex is slow on 200k text cells).
    retry = np.isnan(values) & (text != "").to_numpy()
    if retry.any() and not np.isnan(_to_float(_strip_units(text[retry].head(50)))).all():
        values[retry] = _to_float(_strip_units(text[retry]))
    return values


def _to_float(text: pd.Series) -> np.ndarray:
    return np.array(pd.to_numeric(text.to_numpy(dtype=object), errors="coerce"), dtype=np.float64)


def _strip_units(text: pd.Series) -> pd.Series:
    return text.str.replace(r"^[$€£¥￥]\s*|\s*%$", "", regex=True)


_YEAR_NAME = re.compile(r"year|yr|jahr|ann[ée]e|año|anno|年", re.IGNORECASE)
_STAMP_NAME = re.compile(r"time|stamp|epoch|unix|时间", re.IGNORECASE)
_DATE_NAME = re.compile(r"date|time|day|month|period|datum|日期|时间|月份", re.IGNORECASE)
_UNIX_UNITS = (("s", 1e8, 1e10), ("ms", 1e11, 1e13), ("us", 1e14, 1e16), ("ns", 1e17, 1e19))


def _numeric_time_format(column: str, numbers: np.ndarray) -> tuple[str, Callable] | None:
    """Recognise years, unix time stamps and YYYYMMDD integers in a numeric column."""
    finite = numbers[np.isfinite(numbers)]
    if finite.size == 0:
        return None
    integral = bool(np.all(finite == np.round(finite)))
    if integral and 1000 <= finite.min() and finite.max() <= 2200:
        steps = np.diff(finite)
        consecutive = finite.size >= 3 and (np.all(steps == 1) or np.all(steps == -1))
        if _YEAR_NAME.search(column) or consecutive:
            return "year", lambda v: _assemble(year=v)
    if _STAMP_NAME.search(column) and finite.min() >= 0:
        middle = float(np.median(finite))
        for unit, low, high in _UNIX_UNITS:
            if low <= middle < high:
                return f"unix {unit}", lambda v, unit=unit: pd.to_datetime(v, unit=unit, errors="coerce")
    if integral and _DATE_NAME.search(column):
        for code, low, high in (("%Y%m%d", 1000_01_01, 2200_12_31), ("%Y%m", 1000_01, 2200_12)):
            if low <= finite.min() and finite.max() <= high:
                def parse(v: np.ndarray, code: str = code) -> pd.Series:
                    ints = pd.Series(v).astype("Int64").astype(str)
                    return pd.to_datetime(ints, format=code, errors="coerce")

                if parse(finite[:500]).notna().mean() >= TIME_SHARE:
                    return code, parse
    return None


def _assemble(year: Any, month: Any = 1, day: Any = 1, hour: Any = 0, minute: Any = 0, second: Any = 0) -> pd.Series:
    """Build datetimes from component columns (numbers or digit strings); impossible dates become NaT."""
    parts = pd.DataFrame(
        {"year": year, "month": month, "day": day, "hour": hour, "minute": minute, "second": second}
    )
    return pd.to_datetime(parts.apply(lambda col: pd.to_numeric(col, errors="coerce")), errors="coerce")


@dataclass(frozen=True)
class _TextTimeFormat:
    """Times written one way: a regex (named groups ``year``, ``month``, ``day`` ...) and its parser."""

    label: str
    pattern: str
    parse: Callable[["_TextTimeFormat", pd.Series, str], tuple[pd.Series, str, tuple | None]]


def _parse_iso(fmt: _TextTimeFormat, cells: pd.Series, column: str) -> tuple[pd.Series, str, None]:
    times = pd.to_datetime(cells.str.replace("/", "-", regex=False), format="ISO8601", errors="coerce", utc=True)
    return times.dt.tz_localize(None), fmt.label, None  # offsets converted to UTC, then dropped


def _parse_groups(fmt: _TextTimeFormat, cells: pd.Series, column: str) -> tuple[pd.Series, str, None]:
    parts = _extract_numbers(cells, fmt.pattern)
    if "quarter" in parts:
        parts["month"] = parts.pop("quarter") * 3 - 2
    return _assemble(**parts.fillna({"day": 1, "hour": 0, "minute": 0, "second": 0})), fmt.label, None


def _parse_slashed(fmt: _TextTimeFormat, cells: pd.Series, column: str) -> tuple[pd.Series, str, tuple | None]:
    """Read ``a/b/yyyy``: day first if some ``a`` exceeds 12, else month first (and say it was a guess)."""
    parts = _extract_numbers(cells, fmt.pattern)
    a, b = parts.pop("a"), parts.pop("b")
    day_first = bool((a > 12).any())
    parts["month"], parts["day"] = (b, a) if day_first else (a, b)
    times = _assemble(**parts.fillna({"hour": 0, "minute": 0, "second": 0}))
    note = None
    if not day_first and not (b > 12).any() and times.notna().any():
        k = int(np.flatnonzero(times.notna().to_numpy())[0])
        parsed = times.iloc[k].strftime("%Y-%m-%d")
        note = ("data.note.ambiguous_dates", {"column": column, "example": str(cells.iloc[k]), "parsed": parsed})
    return times, "%d/%m/%Y" if day_first else "%m/%d/%Y", note


def _extract_numbers(cells: pd.Series, pattern: str) -> pd.DataFrame:
    """Return the named groups of ``pattern`` in each cell as float columns (NaN where it does not match)."""
    parts = cells.str.extract(f"^(?:{pattern})$")
    return parts.apply(lambda col: pd.to_numeric(col, errors="coerce"))


_CLOCK = r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
_TEXT_TIME_FORMATS: tuple[_TextTimeFormat, ...] = (
    _TextTimeFormat(
        "ISO 8601",
        r"\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?",
        _parse_iso,
    ),
    _TextTimeFormat(
        "%Y年%m月%d日",
        r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*日)?",
        _parse_groups,
    ),
    _TextTimeFormat("%Y-%m", r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})", _parse_groups),
    _TextTimeFormat("%d.%m.%Y", r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})" + _CLOCK, _parse_groups),
    _TextTimeFormat("%m/%d/%Y", r"(?P<a>\d{1,2})[/-](?P<b>\d{1,2})[/-](?P<year>\d{4})" + _CLOCK, _parse_slashed),
    _TextTimeFormat("%Y-Q%q", r"(?P<year>\d{4})\s*[-_ ]?\s*[Qq](?P<quarter>[1-4])", _parse_groups),
    _TextTimeFormat("%Y年第%q季度", r"(?P<year>\d{4})\s*年\s*第?\s*(?P<quarter>[1-4])\s*季度?", _parse_groups),
)
# Month names as Excel writes them (English only, as pandas parses them).
_NAMED_MONTH_FORMATS = (
    "%b-%Y", "%b %Y", "%B %Y", "%Y-%b", "%b-%y", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %B %Y",
    "%b %d, %Y", "%B %d, %Y",
)


def _strptime(cells: pd.Series, code: str) -> pd.Series:
    times = pd.to_datetime(cells, format=code, errors="coerce")
    if "%y" in code:  # two-digit years: "Jan-49" is 1949, not 2049
        future = times > pd.Timestamp.now()
        times = times.where(~future, times - pd.DateOffset(years=100))
    return times


def _is_counter(values: np.ndarray) -> bool:
    """Say whether a numeric column just counts rows (1, 2, 3, ...), a poor default target."""
    return values.size >= 3 and bool(np.all(np.diff(values) == 1))


def _is_series_names(cells: pd.Series) -> bool:
    """Say whether a text column names the series of a long-format file: few values, each repeated."""
    counts = cells[cells != ""].value_counts()
    return 2 <= counts.size <= 100 and counts.size * 2 <= len(cells) and int(counts.min()) >= 2


# --------------------------------------------------------------------------- prepare_series


def prepare_series(
    table: Table,
    target: str,
    time_column: str | None = None,
    series_column: str | None = None,
    series_name: str | None = None,
) -> Series:
    """Turn one numeric column into a clean, time-ordered series.

    Steps, each counted in the report: keep the rows of ``series_name``
    (long-format files); treat text cells and ``inf`` as missing; drop rows
    without a readable time; sort by time; average repeated time stamps;
    infer the time step and fill missing steps (gaps) when there are few;
    drop missing values at the ends and interpolate those inside.

    Parameters
    ----------
    table : Table
        From :func:`read_table`.
    target : str
        Numeric column to forecast (one of ``table.numeric_columns``).
    time_column : str, optional
        One of ``table.time_columns``; None numbers the points in file order.
    series_column, series_name : str, optional
        For long-format files: the column naming the series, and which one to
        keep (default: the first that appears).

    Returns
    -------
    Series
        ``values`` (N,) float64 with N >= ``MIN_POINTS``.

    Raises
    ------
    LensError
        ``data.unknown_column``, ``data.target_is_time``, ``data.not_numeric``,
        ``data.not_time``, ``data.unknown_series``, ``data.pick_series``,
        ``data.no_values``, ``data.mostly_missing``, ``data.too_few``, ``data.constant``.
    """
    for column in (target, time_column, series_column):
        if column is not None and column not in table.frame.columns:
            raise LensError(
                "data.unknown_column", column=column, name=table.name, columns=", ".join(table.frame.columns)
            )
    try:
        return _prepare(table, target, time_column, series_column, series_name)
    except LensError:
        raise
    except Exception as exc:
        raise LensError("data.unexpected", column=target, detail=_brief(exc)) from exc


def _prepare(
    table: Table, target: str, time_column: str | None, series_column: str | None, series_name: str | None
) -> Series:
    _check_roles(table, target, time_column)
    notes: list[tuple[str, dict]] = list(table.notes)
    rows, name = _pick_rows(table, target, series_column, series_name, notes)
    values, n_non_numeric, n_inf = _target_values(table, target, rows, notes)
    if time_column is None:
        notes.append(("data.note.no_time", {}))
        timed = _Timed(None, values, np.zeros(values.shape[0], dtype=bool))
    else:
        timed = _on_time_grid(table, time_column, series_column, rows, values, notes)
    if not np.isfinite(timed.values).any():
        raise LensError("data.no_values", column=name)
    values, time, n_missing_filled, n_dropped_ends = _fill_missing(timed, name, notes)

    n = values.shape[0]
    if n < MIN_POINTS:
        raise LensError("data.too_few", column=name, n=n, min_points=MIN_POINTS)
    if np.ptp(values) == 0:
        raise LensError("data.constant", column=name, value=f"{values[0]:g}")
    report = DataReport(
        n_rows_read=rows.shape[0],
        n_points=n,
        n_missing_filled=n_missing_filled,
        n_dropped_ends=n_dropped_ends,
        n_non_numeric=n_non_numeric,
        n_duplicates=timed.n_duplicates,
        n_gaps=timed.n_gaps,
        resorted=timed.resorted,
        freq=timed.freq,
        notes=tuple(notes),
        n_inf=n_inf,
        n_bad_time=timed.n_bad_time,
        gaps_filled=timed.gaps_filled,
    )
    return Series(name, values, time, timed.freq, season_for(timed.freq), report)


def _check_roles(table: Table, target: str, time_column: str | None) -> None:
    """Refuse a target that is not numeric, or a time column that holds no times."""
    info = table.columns[target]
    numeric = ", ".join(table.numeric_columns)
    if info.kind == "time":
        raise LensError("data.target_is_time", column=target, columns=numeric)
    if info.kind == "empty":
        raise LensError("data.no_values", column=target)
    if info.kind != "numeric":
        example = info.example or ""
        raise LensError("data.not_numeric", column=target, share=info.numeric_share, example=example, columns=numeric)
    if time_column is not None and table.columns[time_column].kind != "time":
        example = next((str(v) for v in table.frame[time_column] if str(v)), "")
        raise LensError("data.not_time", column=time_column, example=example, columns=", ".join(table.time_columns))


def _pick_rows(
    table: Table, target: str, series_column: str | None, series_name: str | None, notes: list
) -> tuple[np.ndarray, str]:
    """Return the row positions of the chosen series (all rows without a series column) and its display name."""
    rows = np.arange(len(table.frame))
    if series_column is None:
        return rows, target
    labels = _labels(table.frame[series_column])
    choices = list(pd.unique(labels[labels != ""]))
    if series_name is None and choices:
        series_name = choices[0]
    if series_name is None or str(series_name) not in choices:
        raise LensError("data.unknown_series", series=series_name, column=series_column, choices=_listing(choices))
    series_name = str(series_name)
    notes.append(("data.note.series", {"series": series_name, "column": series_column, "n_series": len(choices)}))
    return rows[(labels == series_name).to_numpy()], f"{target} ({series_name})"


def _target_values(table: Table, target: str, rows: np.ndarray, notes: list) -> tuple[np.ndarray, int, int]:
    """Return the target's values in ``rows`` (text cells and inf as NaN), the text cells and the infs."""
    info = table.columns[target]
    values = table.frame[target].to_numpy(np.float64)[rows]
    n_non_numeric = int(info.non_numeric[rows].sum()) if info.non_numeric is not None else 0
    n_numbers = int(np.count_nonzero(~np.isnan(values)))
    if n_non_numeric > (1 - NUMERIC_SHARE) * (n_numbers + n_non_numeric):  # mostly text in this series
        share = n_numbers / (n_numbers + n_non_numeric)
        columns = ", ".join(table.numeric_columns)
        raise LensError("data.not_numeric", column=target, share=share, example=info.example or "", columns=columns)
    if n_non_numeric:
        notes.append(("data.note.non_numeric", {"n": n_non_numeric, "column": target, "example": info.example}))
    infinite = np.isinf(values)
    n_inf = int(infinite.sum())
    if n_inf:
        notes.append(("data.note.inf", {"n": n_inf, "column": target}))
    return np.where(infinite, np.nan, values), n_non_numeric, n_inf


@dataclass(frozen=True)
class _Timed:
    """Values on their (sorted, unique, possibly gap-filled) time stamps; ``inserted`` marks filled gaps."""

    time: pd.DatetimeIndex | None
    values: np.ndarray
    inserted: np.ndarray
    n_bad_time: int = 0
    resorted: bool = False
    n_duplicates: int = 0
    freq: str | None = None
    n_gaps: int = 0
    gaps_filled: bool = False


def _on_time_grid(
    table: Table, time_column: str, series_column: str | None, rows: np.ndarray, values: np.ndarray, notes: list
) -> _Timed:
    """Drop rows without a time, sort by time, average repeated stamps, and fill a few missing steps."""
    stamps = pd.DatetimeIndex(table.frame[time_column].to_numpy()[rows])
    readable = ~stamps.isna()
    n_bad_time = int((~readable).sum())
    if n_bad_time:
        example = table.columns[time_column].example or ""
        notes.append(("data.note.bad_time", {"n": n_bad_time, "column": time_column, "example": example}))
    stamps, values = stamps[readable], values[readable]
    resorted = not stamps.is_monotonic_increasing
    if resorted:
        order = np.argsort(stamps.asi8, kind="stable")
        stamps, values = stamps[order], values[order]
        notes.append(("data.note.resorted", {"column": time_column}))

    by_time = pd.Series(values, index=stamps).groupby(level=0, sort=True).mean()
    n_duplicates = len(stamps) - len(by_time)
    if n_duplicates:
        column = _explaining_series_column(table, time_column) if series_column is None else None
        if column is not None and n_duplicates * 2 >= len(stamps):
            choices = list(pd.unique(_labels(table.frame[column])))
            raise LensError("data.pick_series", column=column, choices=_listing(choices))
        notes.append(("data.note.duplicates", {"n": n_duplicates}))

    freq, n_gaps = _infer_freq(by_time.index)
    if freq is None and len(by_time) > 2:
        notes.append(("data.note.irregular", {}))
    gaps_filled = 0 < n_gaps <= GAP_FILL_SHARE * len(by_time)
    inserted = np.zeros(len(by_time), dtype=bool)
    if gaps_filled:
        grid = pd.date_range(by_time.index[0], periods=len(by_time) + n_gaps, freq=freq)
        inserted = ~grid.isin(by_time.index)
        by_time = by_time.reindex(grid)
        notes.append(("data.note.gaps_filled", {"n": n_gaps}))
    elif n_gaps:
        notes.append(("data.note.gaps_kept", {"n": n_gaps}))
    on_grid = freq is not None and (n_gaps == 0 or gaps_filled)
    time = pd.DatetimeIndex(by_time.index, freq=freq if on_grid else None)
    return _Timed(
        time, by_time.to_numpy(np.float64), inserted, n_bad_time, resorted, n_duplicates, freq, n_gaps, gaps_filled
    )


def _fill_missing(timed: _Timed, name: str, notes: list) -> tuple[np.ndarray, pd.DatetimeIndex | None, int, int]:
    """Drop missing values at the ends and interpolate those inside (linearly, step by step).

    Returns the values (N,), their times (or None), the missing values filled
    (gap points not counted) and the points dropped at the ends.
    """
    values = timed.values
    known = np.flatnonzero(~np.isnan(values))
    first, last = int(known[0]), int(known[-1])
    n_dropped_ends = values.shape[0] - (last - first + 1)
    if n_dropped_ends:
        notes.append(("data.note.dropped_ends", {"n": n_dropped_ends}))
    values, inserted = values[first : last + 1].copy(), timed.inserted[first : last + 1]
    time = timed.time[first : last + 1] if timed.time is not None else None
    holes = np.isnan(values)
    if 2 * holes.sum() > values.shape[0]:
        raise LensError("data.mostly_missing", column=name, n=values.shape[0], n_filled=int(holes.sum()))
    if holes.any():
        steps = np.arange(values.shape[0])
        values[holes] = np.interp(steps[holes], steps[~holes], values[~holes])
    n_missing_filled = int((holes & ~inserted).sum())
    if n_missing_filled:
        notes.append(("data.note.missing_filled", {"n": n_missing_filled}))
    return values, time, n_missing_filled, n_dropped_ends


def _explaining_series_column(table: Table, time_column: str) -> str | None:
    """Return the series column under which the time stamps stop repeating (a long-format file), if any."""
    frame = table.frame
    repeats = int(frame.duplicated([time_column]).sum())
    for column in table.series_columns if repeats else ():
        if frame.duplicated([time_column, column]).sum() * 10 <= repeats:
            return column
    return None


def _labels(column: pd.Series) -> pd.Series:
    """Series names as strings; whole numbers without ``.0`` (a numeric store id 7 reads "7")."""
    if pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(np.float64)
        return pd.Series([f"{v:g}" if np.isfinite(v) else "" for v in values], dtype=str)
    return column.astype(str).str.strip()


def _listing(choices: list[str], limit: int = 12) -> str:
    shown = ", ".join(str(c) for c in choices[:limit])
    return shown + (", …" if len(choices) > limit else "")


# --------------------------------------------------------------------------- time steps

_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# Steps in microseconds: nanoseconds overflow before 1677, and students upload centuries of data.
_US = {"D": 86_400 * 10**6, "h": 3_600 * 10**6, "min": 60 * 10**6, "s": 10**6}


def _infer_freq(index: pd.DatetimeIndex) -> tuple[str | None, int]:
    """Infer the regular step of sorted unique ``index`` and count the steps missing from it.

    Calendar steps (months, quarters, years) are recognised from month-start
    or month-end stamps; fixed steps (days, weeks, hours ...) from the most
    common difference, which must divide every other difference.

    Returns
    -------
    freq : str or None
        Pandas offset alias, None when the steps are irregular or there are fewer than 3 stamps.
    n_gaps : int
        Stamps missing from ``pd.date_range(index[0], index[-1], freq=freq)``.
    """
    n = len(index)
    if n < 3:
        return None, 0
    midnight = bool((index == index.normalize()).all())
    freq: str | None = None
    expected = n
    if midnight and (bool((index.day == 1).all()) or bool(index.is_month_end.all())):
        months = np.asarray(index.year * 12 + index.month - 1, dtype=np.int64)
        steps = np.diff(months)
        step = int(np.gcd.reduce(steps))
        if step and Counter(steps.tolist()).most_common(1)[0][0] == step:
            start = bool((index.day == 1).all())
            first = int(index[0].month)
            if step == 12:
                freq = f"YS-{_MONTH_NAMES[first - 1]}" if start else f"YE-{_MONTH_NAMES[first - 1]}"
            elif step == 3:
                anchor = (first - 1) % 3 if start else (first - 10) % 3 + 9
                freq = f"QS-{_MONTH_NAMES[anchor]}" if start else f"QE-{_MONTH_NAMES[anchor]}"
            else:
                freq = ("MS" if start else "ME") if step == 1 else f"{step}{'MS' if start else 'ME'}"
            expected = (months[-1] - months[0]) // step + 1
    else:
        us = index.as_unit("us").asi8
        steps = np.diff(us)
        step = int(np.gcd.reduce(steps))
        if step > 0 and Counter(steps.tolist()).most_common(1)[0][0] == step:
            weekdays = index.day_of_week
            if step == _US["D"] and midnight and bool((weekdays < 5).all()) and bool((steps == 3 * step).any()):
                freq = "B"
                expected = int(np.busday_count(index[0].date(), index[-1].date())) + 1
            else:
                freq = _fixed_alias(step, int(weekdays[0]))
                expected = (us[-1] - us[0]) // step + 1
    if freq is None:
        return None, 0
    n_gaps = int(expected - n)
    if n_gaps > GAP_FILL_SHARE * n:  # don't build a huge grid just to check it
        return freq, n_gaps
    grid = pd.date_range(index[0], periods=n + n_gaps, freq=freq)
    if grid[-1] != index[-1] or not index.isin(grid).all():
        return None, 0
    return freq, n_gaps


def _fixed_alias(step_us: int, first_weekday: int) -> str | None:
    if step_us == 7 * _US["D"]:
        return f"W-{_WEEKDAYS[first_weekday]}"
    for unit in ("D", "h", "min", "s"):
        if step_us % _US[unit] == 0:
            k = step_us // _US[unit]
            return unit if k == 1 else f"{k}{unit}"
    return None


_SEASONS = {"MS": 12, "ME": 12, "M": 12, "QS": 4, "QE": 4, "Q": 4, "W": 52, "D": 7, "B": 5, "h": 24, "H": 24}
_FREQ_KEYS = {
    "YS": "year", "YE": "year", "Y": "year", "A": "year", "QS": "quarter", "QE": "quarter", "Q": "quarter",
    "MS": "month", "ME": "month", "M": "month", "W": "week", "D": "day", "B": "business_day",
    "h": "hour", "H": "hour", "min": "minute", "T": "minute", "s": "second", "S": "second",
}
_ALIAS = re.compile(r"(\d*)([A-Za-z]+)(?:-[A-Za-z]+)?")


def season_for(freq: str | None) -> int | None:
    """Return the steps per season of a pandas offset alias.

    Monthly 12, quarterly 4, weekly 52, daily 7, working days (``"B"``) 5,
    hourly 24; anything else (yearly, multiples such as ``"2h"``, None) None.
    """
    match = _ALIAS.fullmatch(freq or "")
    if match is None or match.group(1) not in ("", "1"):
        return None
    return _SEASONS.get(match.group(2))


def freq_label_key(freq: str | None) -> str | None:
    """Return the i18n key naming a time step (``"MS"`` → ``"data.freq.month"``), None if unknown."""
    match = _ALIAS.fullmatch(freq or "")
    if match is None or match.group(1) not in ("", "1") or match.group(2) not in _FREQ_KEYS:
        return None
    return f"data.freq.{_FREQ_KEYS[match.group(2)]}"


def future_index(series: Series, horizon: int) -> pd.DatetimeIndex | np.ndarray:
    """Return the x positions of ``horizon`` steps after the end of ``series``.

    Returns
    -------
    pd.DatetimeIndex (horizon,)
        When the series has times: continued with ``series.freq``, or with the
        median step when the steps are irregular.
    int array (horizon,)
        ``N, N+1, ...`` when the series has no time.
    """
    if horizon < 0:
        raise LensError("data.horizon", horizon=horizon)
    n = series.values.shape[0]
    if series.time is None:
        return np.arange(n, n + horizon)
    last = series.time[-1]
    if series.freq is not None:
        return pd.date_range(last, periods=horizon + 1, freq=series.freq)[1:]
    us = series.time.as_unit("us").asi8
    step = pd.Timedelta(int(np.median(np.diff(us))), unit="us") if n > 1 else pd.Timedelta(days=1)
    return pd.DatetimeIndex([last + step * k for k in range(1, horizon + 1)])


# --------------------------------------------------------------------------- convenience


def load_series(
    source: bytes | str | os.PathLike | BinaryIO,
    target: str | None = None,
    time_column: str | None = None,
    series_column: str | None = None,
    series_name: str | None = None,
    name: str | None = None,
) -> Series:
    """Read a file and prepare one series in one call, with sensible defaults.

    ``target`` defaults to the first numeric column, ``time_column`` to the
    first time column. In a long-format file whose time stamps repeat, the
    first series column and its first series are used unless given
    (``series_name`` alone picks from the first series column).
    """
    table = read_table(source, name=name)
    target = target or table.numeric_columns[0]
    if time_column is None and table.time_columns:
        time_column = table.time_columns[0]
    if series_column is None and series_name is not None and table.series_columns:
        series_column = table.series_columns[0]
    elif series_column is None and time_column is not None:
        series_column = _explaining_series_column(table, time_column)
    return prepare_series(table, target, time_column, series_column, series_name)


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"
