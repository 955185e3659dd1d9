"""The workbook and year × month readers, and the first choices made for a new file.

Workbooks are built in the test with openpyxl (in memory); year × month tables
are typed out. Every refusal is checked for its key and its advice in both languages.
"""
from __future__ import annotations

import io
import zipfile
from functools import partial

import numpy as np
import openpyxl
import pandas as pd
import pytest

from lstm_viz import data, figures
from lstm_viz import workspace
from lstm_viz.data import choose, decode, read, source, wide, workbook
from lstm_viz.samples import sample_bytes
from tests.refusals import assert_refused
from tests.workbooks import xlsx

MONTHS_EN = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
MONTHS_FULL = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]
MONTHS_ZH = ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"]

# The advice each refusal must give (a fragment of its English message).
ADVICE = {
    "readers.corrupt": "Save As",
    "readers.not_workbook": "not an Excel workbook",
    "readers.ods": "Save As",
    "readers.xls": "Save As",
    "readers.zip_bomb": "save the sheet as CSV",
    "readers.unknown_sheet": "Its sheets are",
    "readers.not_wide": "not laid out as years × months",
    "data.too_many_rows": "Keep a shorter period",
    "data.too_many_columns": "Keep the time column",
    "data.too_large": "Keep only the columns and rows you need",
    "readers.too_many_cells": "Keep only the time column",
}


refused = partial(assert_refused, ADVICE)  # refused(key, call, *args): see tests/refusals.py


def year_month_csv(headers: list[str], years=range(2001, 2006), year_header: str = "YEAR") -> tuple[bytes, np.ndarray]:
    """A year × month table whose value in year y, month m is 100·(y − 2000) + m; also the series it holds."""
    lines = [",".join([year_header, *headers])]
    expected = []
    for y in years:
        row = [100 * (y - 2000) + m for m in range(1, len(headers) + 1)]
        expected.extend(row)
        lines.append(",".join([str(y), *map(str, row)]))
    return ("\n".join(lines) + "\n").encode("utf-8"), np.array(expected, dtype=float)


def monthly_rows(n: int = 48) -> list[list]:
    return [[pd.Timestamp(2015, 1, 1) + pd.DateOffset(months=k), round(100 + 10 * np.sin(k / 2) + k, 2)]
            for k in range(n)]


# --------------------------------------------------------------------------- year × month tables


@pytest.mark.parametrize("headers", [MONTHS_EN, MONTHS_FULL, MONTHS_ZH, [f"{m}月" for m in range(1, 13)],
                                     [m.lower() + "." for m in MONTHS_EN], [str(m) for m in range(1, 13)]],
                         ids=["abbr", "full", "zh", "zh_digits", "lower_dotted", "numbers"])
def test_month_columns_unpivot_into_one_monthly_series(headers):
    raw, expected = year_month_csv(headers)
    reading = source.read_source(raw, "table.csv")
    assert reading.wide is not None and reading.wide.period == "month" and reading.as_series
    table = reading.table
    series = data.prepare_series(table, table.numeric_columns[0], table.time_columns[0])
    assert series.freq == "MS" and series.season == 12
    np.testing.assert_array_equal(series.values, expected)  # row by row, January to December
    assert series.time[0] == pd.Timestamp(2001, 1, 1) and series.time[13] == pd.Timestamp(2002, 2, 1)
    assert any(key == "readers.note.unpivoted.month" for key, _ in series.report.notes)


def test_chinese_year_header_and_shuffled_months_read_in_calendar_order():
    order = [11, 0, 5, 3, 2, 1, 4, 6, 7, 8, 9, 10]
    headers = [MONTHS_ZH[k] for k in order]
    lines = ["年份," + ",".join(headers)] + [f"{y}," + ",".join(str(100 * (y - 2000) + k + 1) for k in order)
                                            for y in range(2001, 2004)]
    reading = source.read_source(("\n".join(lines) + "\n").encode(), "月度.csv")
    values = reading.table.frame[reading.table.numeric_columns[0]].to_numpy()
    np.testing.assert_array_equal(values[:14], [101 + k for k in range(12)] + [201, 202])


@pytest.mark.parametrize("headers", [["Q1", "Q2", "Q3", "Q4"], ["第一季度", "第二季度", "第三季度", "第四季度"],
                                     ["1季度", "2季度", "3季度", "4季度"]], ids=["Q", "zh", "zh_digits"])
def test_quarter_columns_unpivot_into_a_quarterly_series(headers):
    raw, expected = year_month_csv(headers, years=range(2001, 2011), year_header="Year")
    table = source.read_source(raw, "gdp.csv").table
    series = data.prepare_series(table, table.numeric_columns[0], "date")
    assert series.freq == "QS-JAN" and series.season == 4
    np.testing.assert_array_equal(series.values, expected)
    assert list(series.time[:5].month) == [1, 4, 7, 10, 1]


def test_a_text_column_beside_the_years_becomes_the_series_column():
    lines = ["station,YEAR," + ",".join(MONTHS_EN)]
    for station, offset in (("north", 0), ("south", 50)):
        lines += [f"{station},{y}," + ",".join(str(offset + m + y - 2000) for m in range(12)) for y in range(2001, 2005)]
    ws = workspace.Workspace()
    dataset = workspace.load_upload(ws, ("\n".join(lines) + "\n").encode(), "stations.csv")
    assert dataset.series_column == "station" and dataset.series_name == "north"
    assert dataset.n_points == 48 and dataset.series.freq == "MS"


def test_tables_that_are_not_year_by_month_stay_as_they_are():
    eleven, _ = year_month_csv(MONTHS_EN[:11])  # December missing
    assert source.read_source(eleven, "t.csv").wide is None
    no_year = ("id," + ",".join(MONTHS_EN) + "\n" + "\n".join(f"{k}," + ",".join(["5"] * 12) for k in range(3)) + "\n")
    assert source.read_source(no_year.encode(), "t.csv").wide is None
    shuffled_numbers = "YEAR," + ",".join(str(m) for m in [2, 1, *range(3, 13)]) + "\n2001," + ",".join(["1"] * 12)
    assert wide.detect_wide(data.read_table((shuffled_numbers + "\n2002," + ",".join(["2"] * 12) + "\n").encode())) is None
    assert source.read_source(sample_bytes("airline"), "airline.csv").wide is None


def test_the_choice_is_reversible_and_a_refusal_keeps_the_data():
    raw, _ = year_month_csv(MONTHS_EN, years=range(1990, 2010))
    ws = workspace.Workspace()
    series = workspace.load_upload(ws, raw, "wide.csv")
    assert series.n_points == 240 and series.series.freq == "MS"
    columns = workspace.set_shape(ws, False)
    assert columns.n_points == 20 and columns.time_column == "YEAR" and columns.target in MONTHS_EN
    again = workspace.set_shape(ws, True)
    np.testing.assert_array_equal(again.series.values, series.series.values)
    workspace.load_sample(ws, "airline")
    before = ws.dataset
    refused("readers.not_wide", workspace.set_shape, ws, False)
    assert ws.dataset is before


def test_the_year_by_month_sample_reads_as_the_monthly_one():
    ws = workspace.Workspace()
    wide_set = workspace.load_sample(ws, "elnino_wide")
    long_set = workspace.load_sample(workspace.Workspace(), "elnino")
    np.testing.assert_array_equal(wide_set.series.values, long_set.series.values)
    assert wide_set.series.freq == "MS" and (wide_set.series.time == long_set.series.time).all()
    assert workspace.set_shape(ws, False).n_points == 61  # the "61 yearly values", now a choice


# --------------------------------------------------------------------------- workbooks


def test_a_workbook_with_two_sheets_reads_the_one_picked():
    raw = xlsx({"notes": [["Monthly sales, from the shop's ledger"]],
                "sales": [["month", "sales"], *monthly_rows()],
                "costs": [["month", "costs"], *[[d, v / 2] for d, v in monthly_rows(36)]]})
    first = workbook.read_workbook(raw, "shop.xlsx")
    assert first.sheets == ("notes", "sales", "costs")
    assert first.sheet == "sales"  # the first sheet that holds a table
    assert first.table.time_columns == ["month"] and first.table.numeric_columns == ["sales"]
    picked = workbook.read_workbook(raw, "shop.xlsx", sheet="costs")
    assert picked.table.numeric_columns == ["costs"] and len(picked.table.frame) == 36
    assert ("readers.note.sheet", {"sheet": "costs"}) in picked.table.notes
    refused("readers.unknown_sheet", workbook.read_workbook, raw, "shop.xlsx", sheet="Sheet9")


def test_the_workspace_reads_another_sheet_without_a_new_upload():
    raw = xlsx({"a": [["month", "sales"], *monthly_rows(30)], "b": [["month", "costs"], *monthly_rows(40)]})
    ws = workspace.Workspace()
    assert workspace.load_upload(ws, raw, "shop.xlsx").target == "sales"
    dataset = workspace.choose_sheet(ws, "b")
    assert dataset.target == "costs" and dataset.n_points == 40 and dataset.series.freq == "MS"
    before = ws.dataset
    refused("readers.unknown_sheet", workspace.choose_sheet, ws, "c")
    assert ws.dataset is before


def test_dates_stored_as_excel_serial_numbers_are_read_as_dates():
    # 43831 is 2020-01-01 in Excel's 1900 date system.
    raw = xlsx({"data": [["Date", "value"], *[[43831 + k, float(k % 7)] for k in range(40)]]})
    table = workbook.read_workbook(raw, "serial.xlsx").table
    assert table.time_columns == ["Date"]
    assert table.frame["Date"].iloc[0] == pd.Timestamp(2020, 1, 1)
    assert table.frame["Date"].iloc[-1] == pd.Timestamp(2020, 2, 9)
    assert ("readers.note.serial_dates", {"column": "Date"}) in table.notes
    # Without a date header, numbers stay numbers (a count is not a date).
    counts = workbook.read_workbook(xlsx({"data": [["visits", "value"], *[[43831 + k, k] for k in range(40)]]}), "n.xlsx")
    assert counts.table.time_columns == []


def test_real_dates_in_cells_are_dates_and_merged_header_rows_are_joined():
    rows = [["Weather in the garden"], ["", "Temperature", "", "Wind"], ["date", "max", "min", "m/s"]]
    rows += [[pd.Timestamp(2021, 3, 1) + pd.Timedelta(days=k), 10 + k % 5, 2 + k % 3, k % 4] for k in range(30)]
    table = workbook.read_workbook(xlsx({"garden": rows}), "garden.xlsx").table
    assert list(table.frame.columns) == ["date", "Temperature max", "Temperature min", "Wind m/s"]
    assert table.time_columns == ["date"] and table.frame["date"].iloc[1] == pd.Timestamp(2021, 3, 2)
    assert any(key == "readers.note.header_joined" for key, _ in table.notes)


def test_a_year_by_month_table_in_a_workbook_is_one_series():
    rows = [["YEAR", *MONTHS_EN]] + [[y, *[100 * (y - 2000) + m for m in range(1, 13)]] for y in range(2001, 2006)]
    ws = workspace.Workspace()
    dataset = workspace.load_upload(ws, xlsx({"table": rows}), "bureau.xlsx")
    assert dataset.n_points == 60 and dataset.series.freq == "MS" and dataset.series.values[12] == 201


def test_workbooks_over_the_caps_are_refused(monkeypatch):
    raw = xlsx({"data": [["month", "sales"], *monthly_rows(60)]})
    monkeypatch.setattr(read, "MAX_ROWS", 40)
    refused("data.too_many_rows", workbook.read_workbook, raw, "long.xlsx")
    monkeypatch.setattr(read, "MAX_ROWS", 200_000)
    monkeypatch.setattr(read, "MAX_COLUMNS", 5)
    many = xlsx({"data": [[f"c{k}" for k in range(8)], *[[k * j for k in range(8)] for j in range(30)]]})
    refused("data.too_many_columns", workbook.read_workbook, many, "wide.xlsx")
    monkeypatch.setattr(read, "MAX_COLUMNS", 500)
    monkeypatch.setattr(workbook, "MAX_CELLS", 100)
    err = refused("readers.too_many_cells", workbook.read_workbook, raw, "cells.xlsx")
    assert err.params["n_rows"] == 51  # stopped at the 101st cell: the header and 50 rows of 2 cells
    monkeypatch.setattr(decode, "MAX_BYTES", len(raw) - 1)
    refused("data.too_large", workbook.read_workbook, raw, "big.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (8 * 2**20))  # packs ~1000-fold
    bomb = buffer.getvalue()
    assert len(bomb) < 64 * 1024
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    err = refused("readers.zip_bomb", workbook.read_workbook, bomb, "bomb.xlsx")
    assert opened == [] and "bomb.xlsx" in str(err)


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (lambda good: good[: len(good) // 2], "readers.corrupt"),  # cut short in transfer
        (lambda good: good.replace(b"xl/workbook.xml", b"xl/workbook.xmk"), "readers.not_workbook"),
        (lambda good: b"PK\x03\x04" + bytes(range(256)) * 4, "readers.corrupt"),
    ],
    ids=["truncated", "renamed_part", "garbage_after_magic"],
)
def test_a_damaged_workbook_is_refused_in_words(make, key):
    good = xlsx({"data": [["month", "sales"], *monthly_rows()]})
    err = refused(key, source.read_source, make(good), "sales.xlsx")
    assert "sales.xlsx" in str(err)


def test_a_corrupted_sheet_inside_a_sound_zip_is_refused():
    good = xlsx({"data": [["month", "sales"], *monthly_rows()]})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = body[: len(body) // 2]  # XML cut in the middle of a row
            dst.writestr(item, body)
    refused("readers.corrupt", source.read_source, out.getvalue(), "sales.xlsx")


def test_other_zips_and_old_workbooks_get_their_own_advice():
    def archive(members: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            for name, body in members.items():
                zf.writestr(name, body)
        return buffer.getvalue()

    docx = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})
    refused("readers.not_workbook", source.read_source, docx, "report.docx")
    ods = archive({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    refused("readers.ods", source.read_source, ods, "sheet.ods")
    refused("readers.xls", source.read_source, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls")


# --------------------------------------------------------------------------- first choices


def seattle_as_published() -> pd.DataFrame:
    """Seattle weather in the column order of the published file: precipitation first."""
    frame = pd.read_csv(io.BytesIO(sample_bytes("seattle")))
    return frame[["date", "precipitation", "temp_max", "temp_min", "wind"]]


def test_the_default_target_is_not_the_mostly_dry_rain_column():
    raw = seattle_as_published().to_csv(index=False).encode()
    ws = workspace.Workspace()
    dataset = workspace.load_upload(ws, raw, "seattle.csv")
    assert dataset.table.numeric_columns[0] == "precipitation"
    assert dataset.target == "temp_max"
    # and a file with one smooth column keeps it
    assert choose.default_target(pd.DataFrame({"a": np.arange(30.0) % 5, "b": np.sin(np.arange(30.0) / 3)}),
                                 ["a", "b"]) == "b"
    # a row counter follows on from itself perfectly, but is no series to forecast
    assert choose.default_target(pd.DataFrame({"v": np.arange(30.0) % 7, "t": np.arange(30.0)}), ["v", "t"]) == "v"


def test_a_daily_series_gets_a_yearly_season_unless_it_shows_a_weekly_one():
    ws = workspace.Workspace()
    dataset = workspace.load_upload(ws, seattle_as_published().to_csv(index=False).encode(), "seattle.csv")
    assert dataset.series.freq == "D"
    assert dataset.season == 365  # temperatures have no weekly rhythm
    assert (dataset.window, dataset.test_size) == (14, 28)  # two weeks in, four weeks held out

    days = pd.date_range("2022-01-01", periods=300, freq="D")
    rng = np.random.default_rng(0)
    shop = 100 + 30 * (days.day_of_week >= 5) + rng.normal(0, 5, 300)  # busy weekends
    raw = pd.DataFrame({"day": days.strftime("%Y-%m-%d"), "sales": shop}).to_csv(index=False).encode()
    weekly = workspace.load_upload(ws, raw, "shop.csv")
    assert weekly.season == 7 and weekly.window == 7 and weekly.test_size == 28

    short = pd.DataFrame({"day": days[:200].strftime("%Y-%m-%d"), "t": np.sin(np.arange(200) / 30) + rng.normal(0, .1, 200)})
    assert workspace.load_upload(ws, short.to_csv(index=False).encode(), "short.csv").season is None  # under two years


def test_the_split_follows_the_time_step_not_the_rows():
    assert choose.split_in_time(144, "MS", 12) == (12, 12, 12)
    assert choose.split_in_time(40, "QS-JAN", 4) == (4, 4, 4)
    assert choose.split_in_time(1461, "D", 365) == (14, 28, 14)
    assert choose.split_in_time(500, "h", 24) == (24, 48, 24)
    assert choose.split_in_time(309, "YS-JAN", None) is None  # years: the row rule decides
    assert choose.split_in_time(30, "MS", 12) == (12, 7, 7)  # the test part held to a quarter


def test_a_very_short_series_is_flagged():
    ws = workspace.Workspace()
    rows = "\n".join(["month,v"] + [f"2020-{m:02d},{m % 5}" for m in range(1, 13)]
                     + [f"2021-{m:02d},{m % 4}" for m in range(1, 5)]) + "\n"
    dataset = workspace.load_upload(ws, rows.encode(), "short.csv")
    assert workspace.is_short(dataset)
    assert not workspace.is_short(workspace.load_sample(ws, "airline"))


def test_the_sparklines_show_every_numeric_column_by_name():
    table = data.read_table(seattle_as_published().to_csv(index=False).encode(), "seattle.csv")
    fig = figures.sparklines_figure(table.frame, table.numeric_columns, "date", highlight="temp_max")
    assert [trace.name for trace in fig.data] == table.numeric_columns
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["precipitation", "<b>temp_max</b>", "temp_min", "wind"]
    assert all(len(trace.y) <= figures.sparklines.MAX_SPARK_POINTS for trace in fig.data)
    assert all(np.nanstd(np.asarray(trace.y, dtype=float)) > 0 for trace in fig.data)  # not blank, not flat
