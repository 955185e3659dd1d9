"""Read a CSV/TSV/TXT file into a :class:`Table` whose columns are sorted into time, numeric and text.

:func:`read_table` decodes the bytes (:mod:`~lstm_viz.data.decode`), sniffs
the layout (:mod:`~lstm_viz.data.layout`), parses the text with pandas,
decides whether the first row is a header, and classifies every column
(:mod:`~lstm_viz.data.columns`), so a page can offer the numeric columns as
targets.
"""
from __future__ import annotations

import csv
import io
import itertools
import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from lstm_viz.data.columns import (
    MISSING_TOKENS,
    NUMERIC_SHARE,
    ColumnInfo,
    classify_column,
    is_counter,
    is_series_names,
    parse_numbers,
)
from lstm_viz.data.decode import decode_text, read_bytes, source_name
from lstm_viz.data.layout import WHITESPACE, Layout, sniff_layout
from lstm_viz.data.times import TEXT_TIME_FORMATS
from lstm_viz.errors import LensError

MAX_COLUMNS: int = 500  # a time series file has a few columns; thousands are a row typed sideways
MAX_ROWS: int = 200_000  # data rows; more would make the pages sluggish on a classroom server
# Cells (rows x columns) pandas may build. Each is a Python string before it is typed, and typing
# costs ~4 us of CPU a cell (3 M cells: 13 s, +150 MB on the dev box): 200,000 rows of 7 columns fit.
MAX_CELLS: int = 1_500_000


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
    counter_columns : list of str
        The numeric columns that just count rows (1, 2, 3, ...), last in ``numeric_columns``.
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
    counter_columns: list[str] = field(default_factory=list)


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
    label = name or source_name(source)
    try:
        raw = read_bytes(source, label)
        text, encoding = decode_text(raw, label)
        return _parse(text, encoding, label)
    except LensError:
        raise
    except Exception as exc:  # a student's file must never crash a page
        raise LensError("data.unreadable", name=label, detail=brief(exc)) from exc


_MARKUP = re.compile(r"\s*<(?:!doctype|html|head|body|\?xml|table|div|!--)", re.IGNORECASE)
_JSON = re.compile(r"\s*(?:\{\s*(?:\"|\})|\[\s*(?:\{|\[|\"|-?\d|\]|true|false|null))")


def _check_kind(text: str, label: str) -> None:
    """Refuse a JSON, HTML or XML file by name, rather than reading its first line as column names."""
    head = text[:4096]
    if _JSON.match(head):
        raise LensError("safety.json", name=label)
    if _MARKUP.match(head):
        raise LensError("safety.html", name=label)


def _parse(text: str, encoding: str, label: str) -> Table:
    _check_kind(text, label)
    layout = sniff_layout(text)
    notes: list[tuple[str, dict]] = []
    if layout.n_skipped:
        notes.append(("data.note.preamble", {"n": layout.n_skipped}))
    _check_shape(text, layout, label)
    raw = _read_csv(text, layout, label)
    if raw.shape[1] > MAX_COLUMNS:  # checked before typing each column, which is per-column work
        if len(raw) <= 2:
            raise LensError("data.one_row", n_columns=int(raw.shape[1]))
        raise LensError("data.too_many_columns", name=label, n_columns=int(raw.shape[1]), max_columns=MAX_COLUMNS)
    raw = raw.apply(lambda col: col.str.strip())
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
        frame[column], infos[column], note = classify_column(column, cells, layout)
        if note:
            notes.append(note)
    table_frame = pd.DataFrame(frame)

    time_columns = [c for c, info in infos.items() if info.kind == "time"]
    numeric = [c for c, info in infos.items() if info.kind == "numeric"]
    counters = [c for c in numeric if is_counter(table_frame[c].to_numpy())]
    numeric_columns = [c for c in numeric if c not in counters] + counters
    series_columns = [c for c, info in infos.items() if info.kind == "text" and is_series_names(table_frame[c])]
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
        counter_columns=counters,
    )


def _check_shape(text: str, layout: Layout, label: str) -> None:
    """Refuse a table too wide or too big from the raw text, before pandas builds a column per field.

    pandas allocates every column of the widest line, so a 5 MB file written
    along one line cost minutes and gigabytes before the column cap could look
    at it; the sniffed head (:data:`~lstm_viz.data.layout.SNIFF_CHARS`) does
    not even see all of such a line. Counting separators is linear in the
    file's size and allocates nothing per field.
    """
    separator = layout.separator
    if not separator:
        return  # one column: the row cap (nrows) bounds it
    widest = layout.max_fields
    # Only a line of at least MAX_COLUMNS characters can hold more than MAX_COLUMNS fields.
    for found in re.finditer(r"(?m)^[^\r\n]{%d,}" % MAX_COLUMNS, text):
        line = found.group()
        count = len(line.split()) if separator == WHITESPACE else line.count(separator) + 1
        if count > MAX_COLUMNS and separator != WHITESPACE and '"' in line:
            count = len(next(csv.reader([line], delimiter=separator)))  # separators inside quotes
        widest = max(widest, count)
    if widest > MAX_COLUMNS:
        if sum(1 for _ in itertools.islice(re.finditer(r"(?m)^[^\n]*?\S", text), 3)) <= 2:
            raise LensError("data.one_row", n_columns=widest)
        raise LensError("data.too_many_columns", name=label, n_columns=widest, max_columns=MAX_COLUMNS)
    # pandas pads every line to the sniffed width, and reads at most the header and MAX_ROWS + 1 rows.
    n_rows = min(text.count("\n") + 1, MAX_ROWS + 2 + layout.skip)
    if n_rows * layout.max_fields > MAX_CELLS:
        raise LensError("safety.too_many_cells", name=label, n_columns=layout.max_fields,
                        max_rows=MAX_CELLS // layout.max_fields)


def _read_csv(text: str, layout: Layout, label: str) -> pd.DataFrame:
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
        raise LensError("data.unreadable", name=label, detail=brief(exc)) from exc
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", str(exc))
        if found:
            line, got = (int(g) for g in found.groups())
            raise LensError("data.ragged", name=label, line=line, found=got, expected=layout.n_fields) from exc
        quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if quote:
            raise LensError("data.quote", name=label, line=int(quote.group(1)) + layout.skip + 1) from exc
        raise LensError("data.unreadable", name=label, detail=brief(exc)) from exc
    except pd.errors.EmptyDataError as exc:
        raise LensError("data.empty", name=label) from exc


def _has_header(raw: pd.DataFrame, layout: Layout) -> bool:
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


def _looks_like_values(cells: pd.Series, layout: Layout) -> np.ndarray:
    """Say, per stripped cell, whether it reads as a number or a time (data rather than a column name)."""
    values = ~np.isnan(parse_numbers(cells, layout))
    for fmt in TEXT_TIME_FORMATS:
        values |= cells.str.fullmatch(fmt.pattern).to_numpy(dtype=bool)
    return values


def _unique_names(names: list[str]) -> list[str]:
    """Name every column uniquely: blanks become ``column k``, repeats ``name (2)``, ``name (3)`` …

    A generated name may itself be taken (``a,a,a (2)``), so each is checked
    against every name given and made so far; two columns of one name made
    ``frame[name]`` a DataFrame and the student read "'DataFrame' object has no attribute 'str'".
    """
    filled = [f"column {k + 1}" if not name or name.lower() in {"nan", "unnamed"} else name
              for k, name in enumerate(names)]
    taken = set(filled)
    seen: Counter[str] = Counter()
    result = []
    for name in filled:
        seen[name] += 1
        if seen[name] > 1:
            n = seen[name]
            while f"{name} ({n})" in taken:
                n += 1
            seen[name] = n
            name = f"{name} ({n})"
            taken.add(name)
        result.append(name)
    return result


def brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"
