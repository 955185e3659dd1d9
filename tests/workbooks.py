"""Students' files built in the tests: workbooks (openpyxl, in memory) and a year × month table."""
from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """Build a workbook in memory: ``{sheet title: rows}``, the first sheet active."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def monthly_sales() -> list[list]:
    """36 months of sales from 2018-01, dates as dates: a header, then the rows."""
    return [["month", "sales"]] + [[pd.Timestamp(2018, 1, 1) + pd.DateOffset(months=k), 100 + 10 * np.sin(k / 2) + k]
                                   for k in range(36)]


def year_month_table() -> bytes:
    """Ten years (2001–2010) laid out as one row a year and a column a month (JAN … DEC), as bureaus publish them."""
    lines = ["YEAR," + ",".join(MONTHS)]
    for year in range(2001, 2011):
        lines.append(f"{year}," + ",".join(f"{100 + 20 * np.sin(m / 12 * 2 * np.pi) + 3 * (year - 2001):.1f}"
                                           for m in range(12)))
    return ("\n".join(lines) + "\n").encode()
