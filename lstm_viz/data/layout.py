"""Guess how a text table is laid out: separator, preamble lines, decimal mark, thousands separator.

Only the head of the text is looked at (:data:`SNIFF_CHARS`); the result is a
:class:`Layout` that tells pandas how to read the whole file.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass

SNIFF_CHARS = 65_536  # characters of the file's head used to guess its layout
SEPARATORS = ("\t", ";", "|", ",")  # on a tie the comma loses: it may be a decimal mark
WHITESPACE = " "  # Table.separator of a file whose columns are separated by runs of spaces
# Table.separator is "" for a file of one column.


@dataclass(frozen=True)
class Layout:
    separator: str
    skip: int  # physical lines before the table
    n_skipped: int  # of which not blank (the preamble a student would see)
    n_fields: int  # the usual number of fields per line
    max_fields: int  # columns to read: short lines are padded up to it
    decimal: str
    thousands: str | None


def sniff_layout(text: str) -> Layout:
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
    return Layout(
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


UNITS = re.compile(r"^[$€£¥￥]\s*|\s*%$")  # a currency sign before a number, a percent sign after it
_ONE_DECIMAL_COMMA = re.compile(r"[+-]?\d+(?:,\d+)?")
_DEC_COMMA = re.compile(r"[+-]?(?:0,\d+|\d+,\d{1,2}|\d+,\d{4,}|\d{4,},\d+|\d{1,3}(?:\.\d{3})+,\d+)")
_DEC_POINT = re.compile(r"[+-]?(?:0?\.\d+|\d+\.\d{1,2}|\d+\.\d{4,}|\d{4,}\.\d+|\d{1,3}(?:,\d{3})+\.\d+)")
_GROUPS_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_GROUPS_POINT = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def _decimal_mark(cells: list[str]) -> tuple[str, str | None]:
    """Vote on the decimal mark with the cells that can only be read one way (``1,5`` vs ``1.5``).

    Currency and percent signs are set aside first, so ``"$1,234.50"`` and
    ``€100,00`` vote as ``1,234.50`` and ``100,00`` do.
    """
    cells = [UNITS.sub("", c) for c in cells]
    comma = sum(1 for c in cells if _DEC_COMMA.fullmatch(c))
    point = sum(1 for c in cells if _DEC_POINT.fullmatch(c))
    if comma > point:
        grouped = point == 0 and any(_GROUPS_POINT.fullmatch(c) for c in cells)
        return ",", "." if grouped else None
    grouped = comma == 0 and any(_GROUPS_COMMA.fullmatch(c) for c in cells)
    return ".", "," if grouped else None
