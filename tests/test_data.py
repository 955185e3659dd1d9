"""Reading students' messy files: formats, time columns, cleaning reports and refusals."""
from __future__ import annotations

import io
import re
import string
from functools import partial

import numpy as np
import pandas as pd
import pytest

from lstm_viz import data
from lstm_viz.data import (
    MIN_POINTS,
    future_index,
    freq_label_key,
    load_series,
    prepare_series,
    read_table,
    season_for,
)
from lstm_viz.i18n import data as messages
from lstm_viz.i18n import tr
from tests.refusals import assert_refused

# Explicit date formats everywhere: any pandas warning (per-element parsing, deprecations) fails a test.
pytestmark = pytest.mark.filterwarnings("error")

MONTHS = [f"2020-{m:02d}-01" for m in range(1, 13)]
VALUES = [1.5, 2.5, 4.0, 3.25, 5.0, 6.5, 7.0, 6.0, 5.5, 4.5, 3.0, 2.0]


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def monthly(sep: str = ",", fmt=str, header: str | None = "date{sep}sales") -> list[str]:
    rows = [f"{d}{sep}{fmt(v)}" for d, v in zip(MONTHS, VALUES)]
    return ([header.format(sep=sep)] if header else []) + rows


# Every refusal says what to do; this is the advice each English message must contain.
ADVICE = {
    "data.not_found": "Check the path",
    "data.too_large": "Keep only the columns and rows you need",
    "data.too_many_rows": "Keep a shorter period",
    "data.empty": "Upload a CSV",
    "data.header_only": "Add the data rows",
    "data.binary": "Save As",
    "data.spreadsheet": "Save As",
    "data.encoding": "Save the file again",
    "data.ragged": "Fix or delete that line",
    "data.quote": "Delete the stray quote mark",
    "data.unreadable": "Check that it is a CSV",
    "data.no_numeric": "check that the file uses one separator",
    "data.unknown_column": "Pick one of",
    "data.not_numeric": "Pick a column of numbers",
    "data.target_is_time": "Pick a column of numbers",
    "data.not_time": "Pick a time column",
    "data.unknown_series": "Pick one of",
    "data.pick_series": "pick one series",
    "data.no_values": "Pick another column or series",
    "data.too_few": "Use a longer series",
    "data.constant": "Pick another column or series",
    "data.one_row": "Transpose",
    "data.too_many_columns": "Keep the time column",
    "data.extreme": "rescale the column",
    "data.mostly_missing": "Fill in the missing data",
    "data.horizon": "zero or more steps",
    "data.unexpected": "Check the file",
}


refused = partial(assert_refused, ADVICE)  # refused(key, call, *args): see tests/refusals.py


# --------------------------------------------------------------------------- separators, decimals, encodings


def test_comma_file_with_iso_dates_reads_values_and_monthly_steps():
    table = read_table(csv_bytes(monthly()), name="sales.csv")
    assert (table.separator, table.decimal, table.encoding, table.has_header) == (",", ".", "utf-8", True)
    assert table.time_columns == ["date"] and table.numeric_columns == ["sales"]
    assert table.frame["sales"].dtype == np.float64
    series = prepare_series(table, "sales", "date")
    np.testing.assert_array_equal(series.values, VALUES)
    assert series.time[0] == pd.Timestamp("2020-01-01") and series.time[-1] == pd.Timestamp("2020-12-01")
    assert (series.freq, series.season) == ("MS", 12)
    assert series.report.notes == ()  # a clean file needs no explanation


def test_semicolon_with_decimal_comma():
    table = read_table(csv_bytes(monthly(";", lambda v: str(v).replace(".", ","))))
    assert (table.separator, table.decimal) == (";", ",")
    np.testing.assert_array_equal(table.frame["sales"], VALUES)


def test_decimal_comma_with_point_thousands():
    lines = ["date;sales"] + [f"{d};1.{k:03d},5" for k, d in enumerate(MONTHS)]
    table = read_table(csv_bytes(lines))
    assert (table.decimal, table.thousands) == (",", ".")
    assert table.frame["sales"].iloc[:3].tolist() == [1000.5, 1001.5, 1002.5]


@pytest.mark.parametrize(("sep", "name"), [("\t", "tsv"), ("|", "pipe")])
def test_tab_and_pipe_separators(sep, name):
    table = read_table(csv_bytes(monthly(sep)), name=f"sales.{name}")
    assert table.separator == sep
    np.testing.assert_array_equal(table.frame["sales"], VALUES)


def test_runs_of_spaces_in_a_txt_file():
    lines = [f"{1949 + k}   {v}" for k, v in enumerate(VALUES)]
    table = read_table(csv_bytes(lines))
    assert table.separator == " " and not table.has_header
    assert table.time_columns == ["column 1"] and table.columns["column 1"].time_format == "year"
    np.testing.assert_array_equal(table.frame["column 2"], VALUES)


def test_utf8_bom_is_not_part_of_the_first_column_name():
    table = read_table(b"\xef\xbb\xbf" + csv_bytes(monthly()))
    assert table.encoding == "utf-8-sig"
    assert list(table.frame.columns) == ["date", "sales"]


def test_gbk_file_with_chinese_headers():
    lines = ["日期,销量"] + [f"{d},{v}" for d, v in zip(MONTHS, VALUES)]
    table = read_table(csv_bytes(lines, "gbk"), name="销量.csv")
    assert table.encoding == "gb18030"
    assert table.time_columns == ["日期"] and table.numeric_columns == ["销量"]
    np.testing.assert_array_equal(prepare_series(table, "销量", "日期").values, VALUES)


def test_utf16_excel_unicode_text_export():
    text = "\r\n".join(monthly("\t")) + "\r\n"
    table = read_table(text.encode("utf-16"))
    assert (table.encoding, table.separator) == ("utf-16", "\t")
    np.testing.assert_array_equal(table.frame["sales"], VALUES)


def test_quoted_thousands():
    lines = ["date,sales"] + [f'{d},"1,{k:03d}.5"' for k, d in enumerate(MONTHS)]
    table = read_table(csv_bytes(lines))
    assert (table.separator, table.decimal, table.thousands) == (",", ".", ",")
    assert table.frame["sales"].iloc[[0, 11]].tolist() == [1000.5, 1011.5]


def test_currency_and_percent_signs_are_ignored():
    lines = ["date,price,share"] + [f"{d},${v},{v}%" for d, v in zip(MONTHS, VALUES)]
    table = read_table(csv_bytes(lines))
    np.testing.assert_array_equal(table.frame["price"], VALUES)
    np.testing.assert_array_equal(table.frame["share"], VALUES)


def test_no_header_names_columns_by_position():
    table = read_table(csv_bytes(monthly(header=None)))
    assert not table.has_header
    assert list(table.frame.columns) == ["column 1", "column 2"]
    assert table.frame["column 2"].iloc[0] == 1.5


def test_single_column_of_numbers():
    series = load_series(csv_bytes([str(v) for v in VALUES]))
    assert series.name == "column 1" and series.time is None
    np.testing.assert_array_equal(series.values, VALUES)
    np.testing.assert_array_equal(series.axis(), np.arange(12))
    assert ("data.note.no_time", {}) in series.report.notes


def test_empty_cells_in_the_last_column_keep_the_table_shape():
    cells = ["1", "", "", "4", "5", "", "7", "8", "9", "10", "", "12"]
    lines = ["date,sales"] + [f"{d},{c}" for d, c in zip(MONTHS, cells)]
    series = prepare_series(read_table(csv_bytes(lines)), "sales", "date")
    np.testing.assert_array_equal(series.values, np.arange(1.0, 13.0))
    assert series.report.n_missing_filled == 4


def test_one_column_of_decimal_commas_is_not_split_at_the_comma():
    table = read_table(csv_bytes(["Umsatz"] + [str(v).replace(".", ",") for v in VALUES]))
    assert (table.separator, table.decimal) == ("", ",")
    np.testing.assert_array_equal(table.frame["Umsatz"], VALUES)
    # Without a header, "2001,5" is a year and a value.
    years = read_table(csv_bytes([f"{2001 + k},{v}" for k, v in enumerate([5, 7, 8])]))
    assert years.separator == "," and years.frame["column 2"].tolist() == [5.0, 7.0, 8.0]


def test_preamble_lines_and_trailing_separators_are_skipped():
    lines = ["Monthly sales", "Source: the shop", "", "date;sales;"] + [
        f"{d};{str(v).replace('.', ',')};" for d, v in zip(MONTHS, VALUES)
    ] + [";;"]
    table = read_table(csv_bytes(lines))
    assert list(table.frame.columns) == ["date", "sales"] and len(table.frame) == 12
    assert ("data.note.preamble", {"n": 2}) in table.notes
    np.testing.assert_array_equal(table.frame["sales"], VALUES)


# --------------------------------------------------------------------------- sources


def test_reads_paths_file_objects_and_uploaded_files(tmp_path):
    raw = csv_bytes(monthly())
    path = tmp_path / "shop.csv"
    path.write_bytes(raw)
    assert read_table(path).name == "shop.csv"
    assert read_table(str(path)).numeric_columns == ["sales"]

    class Uploaded(io.BytesIO):  # what Streamlit's UploadedFile looks like
        name = "upload.csv"

    upload = Uploaded(raw)
    upload.read()  # a page may have read it already; read_table starts from the beginning
    table = read_table(upload)
    assert table.name == "upload.csv"
    np.testing.assert_array_equal(table.frame["sales"], VALUES)


# --------------------------------------------------------------------------- time columns


@pytest.mark.parametrize(
    ("cells", "label", "first", "freq"),
    [
        (["2020-01-31", "2020-02-29", "2020-03-31"], "ISO 8601", "2020-01-31", "ME"),
        (["2020-01-31 12:00", "2020-01-31 13:00", "2020-01-31 14:00"], "ISO 8601", "2020-01-31 12:00", "h"),
        (["2020/01/01", "2020/01/02", "2020/01/03"], "ISO 8601", "2020-01-01", "D"),
        (["2020-01-01T00:00:00Z", "2020-01-01T00:15:00Z", "2020-01-01T00:30:00Z"], "ISO 8601", "2020-01-01", "15min"),
        (["01.02.2020", "02.02.2020", "03.02.2020"], "%d.%m.%Y", "2020-02-01", "D"),
        (["31.01.2020 08:00", "31.01.2020 09:00", "31.01.2020 10:00"], "%d.%m.%Y", "2020-01-31 08:00", "h"),
        (["1949-01", "1949-02", "1949-03"], "%Y-%m", "1949-01-01", "MS"),
        (["1949年01月", "1949年02月", "1949年03月"], "%Y年%m月%d日", "1949-01-01", "MS"),
        (["1949年1月1日", "1949年1月2日", "1949年1月3日"], "%Y年%m月%d日", "1949-01-01", "D"),
        (["13/01/2020", "14/01/2020", "15/01/2020"], "%d/%m/%Y", "2020-01-13", "D"),
        (["2020Q1", "2020Q2", "2020Q3"], "%Y-Q%q", "2020-01-01", "QS-JAN"),
        (["2020年第1季度", "2020年第2季度", "2020年第3季度"], "%Y年第%q季度", "2020-01-01", "QS-JAN"),
        (["Jan-49", "Feb-49", "Mar-49"], "%b-%y", "1949-01-01", "MS"),
        (["06/01/2020", "06/08/2020", "06/15/2020"], "%m/%d/%Y", "2020-06-01", "W-MON"),
    ],
)
def test_time_formats(cells, label, first, freq):
    lines = ["when,value"] + [f"{c},{k + 1}" for k, c in enumerate(cells)]
    table = read_table(csv_bytes(lines))
    assert table.time_columns == ["when"]
    assert table.columns["when"].time_format == label
    assert table.frame["when"].iloc[0] == pd.Timestamp(first)
    assert data.infer_freq(pd.DatetimeIndex(table.frame["when"]))[0] == freq


@pytest.mark.parametrize(
    ("column", "cells", "label", "first"),
    [
        ("date", ["20200131", "20200201", "20200202"], "%Y%m%d", "2020-01-31"),
        ("period", ["194901", "194902", "194903"], "%Y%m", "1949-01-01"),
        ("Month", ["Jan 2020", "Feb 2020", "Mar 2020"], "%b %Y", "2020-01-01"),
        ("day", ["5 March 2021", "6 March 2021", "7 March 2021"], "%d %B %Y", "2021-03-05"),
    ],
)
def test_more_time_spellings(column, cells, label, first):
    table = read_table(csv_bytes([f"{column},value"] + [f"{c},{k}.5" for k, c in enumerate(cells)]))
    assert table.time_columns == [column] and table.columns[column].time_format == label
    assert table.frame[column].iloc[0] == pd.Timestamp(first)
    assert table.numeric_columns == ["value"]


@pytest.mark.parametrize(
    ("stamps", "freq", "season", "after"),
    [
        (pd.date_range("2020-01-31", periods=12, freq="QE"), "QE-DEC", 4, "2023-03-31"),
        (pd.date_range("2020-01-05", periods=12, freq="W-SUN"), "W-SUN", 52, "2020-03-29"),
        (pd.bdate_range("2020-01-01", periods=12), "B", 5, "2020-01-17"),  # Thursday 16th, then Friday
        (pd.date_range("2020-01-01", periods=12, freq="15min"), "15min", None, "2020-01-01 03:00"),
        (pd.date_range("1200-01-01", periods=12, freq="YS", unit="s"), "YS-JAN", None, "1212-01-01"),  # no ns
    ],
)
def test_inferred_time_steps(stamps, freq, season, after):
    lines = ["t,v"] + [f"{s:%Y-%m-%d %H:%M},{k % 5}" for k, s in enumerate(stamps)]
    series = prepare_series(read_table(csv_bytes(lines)), "v", "t")
    assert (series.freq, series.season, series.report.n_gaps) == (freq, season, 0)
    assert future_index(series, 1)[0] == pd.Timestamp(after)


def test_ambiguous_month_day_dates_are_read_month_first_and_noted():
    lines = ["day,value"] + [f"01/{d:02d}/2020,{d}" for d in range(1, 13)]
    table = read_table(csv_bytes(lines))
    assert table.frame["day"].iloc[1] == pd.Timestamp("2020-01-02")
    assert ("data.note.ambiguous_dates", {"column": "day", "example": "01/01/2020", "parsed": "2020-01-01"}) in table.notes


def test_plain_year_columns():
    named = read_table(csv_bytes(["Year,births"] + [f"{1990 + k},{v}" for k, v in enumerate(VALUES)]))
    assert named.time_columns == ["Year"] and named.numeric_columns == ["births"]  # a year is not a target
    series = prepare_series(named, "births", "Year")
    assert series.time[0] == pd.Timestamp("1990-01-01")
    assert (series.freq, series.season) == ("YS-JAN", None)
    # Unnamed, but strictly consecutive integers in the range of years.
    unnamed = read_table(csv_bytes([f"{2001 + k},{v}" for k, v in enumerate(VALUES)]))
    assert unnamed.time_columns == ["column 1"]
    # Integers in that range that are not consecutive and not called "year" are values.
    values = read_table(csv_bytes(["a,b"] + [f"{1500 + 37 * k},{k}" for k in range(12)]))
    assert values.time_columns == [] and values.numeric_columns == ["a", "b"]  # b counts rows: last


def test_unix_timestamps_in_a_time_column():
    lines = ["timestamp,load"] + [f"{1_600_000_000 + 3600 * k},{v}" for k, v in enumerate(VALUES)]
    table = read_table(csv_bytes(lines))
    assert table.columns["timestamp"].time_format == "unix s"
    series = prepare_series(table, "load", "timestamp")
    assert series.time[0] == pd.Timestamp("2020-09-13 12:26:40")
    assert (series.freq, series.season) == ("h", 24)


def test_row_counters_go_last_among_targets():
    lines = ["id,temp"] + [f"{k + 1},{v}" for k, v in enumerate(VALUES)]
    assert read_table(csv_bytes(lines)).numeric_columns == ["temp", "id"]


# --------------------------------------------------------------------------- long format


LONG = ["date,symbol,price"] + [
    f"2020-01-{d:02d},{symbol},{d * scale}" for d in range(1, 13) for symbol, scale in (("AAPL", 1), ("MSFT", 10))
]


def test_long_format_series_column():
    table = read_table(csv_bytes(LONG))
    assert table.series_columns == ["symbol"] and table.numeric_columns == ["price"]
    msft = prepare_series(table, "price", "date", series_column="symbol", series_name="MSFT")
    assert msft.name == "price (MSFT)"
    np.testing.assert_array_equal(msft.values, np.arange(1, 13) * 10.0)
    assert msft.report.n_rows_read == 12 and msft.report.n_duplicates == 0
    assert ("data.note.series", {"series": "MSFT", "column": "symbol", "n_series": 2}) in msft.report.notes
    # load_series picks the series column itself, and the first series unless told.
    np.testing.assert_array_equal(load_series(csv_bytes(LONG)).values, np.arange(1, 13))
    np.testing.assert_array_equal(load_series(csv_bytes(LONG), series_name="MSFT").values, msft.values)


def test_a_numeric_column_can_name_the_series():
    lines = ["store,week,sold"] + [f"{store},{w + 1},{w * store}" for store in (7, 8) for w in range(12)]
    table = read_table(csv_bytes(lines))
    series = prepare_series(table, "sold", series_column="store", series_name=8)
    assert series.name == "sold (8)"
    np.testing.assert_array_equal(series.values, np.arange(12) * 8.0)


def test_long_format_without_a_series_choice_is_refused():
    table = read_table(csv_bytes(LONG))
    err = refused("data.pick_series", prepare_series, table, "price", "date")
    assert "symbol" in str(err) and "AAPL" in str(err)
    refused("data.unknown_series", prepare_series, table, "price", "date", "symbol", "GOOG")


# --------------------------------------------------------------------------- cleaning reports


def test_rows_out_of_order_are_sorted_and_reported():
    lines = ["date,sales"] + [f"{d},{v}" for d, v in reversed(list(zip(MONTHS, VALUES)))]
    series = prepare_series(read_table(csv_bytes(lines)), "sales", "date")
    np.testing.assert_array_equal(series.values, VALUES)
    assert series.time.is_monotonic_increasing
    assert series.report.resorted
    assert ("data.note.resorted", {"column": "date"}) in series.report.notes
    assert "sorted by “date”" in tr("data.note.resorted", "en", column="date")


def test_duplicate_time_stamps_are_averaged():
    lines = monthly() + [f"{MONTHS[3]},{VALUES[3] + 2}", f"{MONTHS[3]},{VALUES[3] + 4}"]
    series = prepare_series(read_table(csv_bytes(lines)), "sales", "date")
    assert series.report.n_duplicates == 2 and series.report.n_points == 12
    assert series.values[3] == pytest.approx(VALUES[3] + 2)  # mean of v, v + 2, v + 4
    assert ("data.note.duplicates", {"n": 2}) in series.report.notes


def test_a_few_gaps_are_filled_on_the_regular_grid():
    days = pd.date_range("2021-03-01", periods=20, freq="D")
    keep = [k for k in range(20) if k not in (5, 6, 12)]
    lines = ["day,visits"] + [f"{days[k]:%Y-%m-%d},{2.0 * k}" for k in keep]
    series = prepare_series(read_table(csv_bytes(lines)), "visits", "day")
    report = series.report
    assert (report.freq, report.n_gaps, report.gaps_filled, report.n_points) == ("D", 3, True, 20)
    assert report.n_missing_filled == 0  # gaps are counted apart from missing cells
    np.testing.assert_allclose(series.values, 2.0 * np.arange(20))  # linear data: interpolation is exact
    assert series.time.freq == "D"
    assert ("data.note.gaps_filled", {"n": 3}) in report.notes


def test_many_gaps_are_reported_but_not_invented():
    days = pd.date_range("2021-03-01", periods=42, freq="D")
    keep = list(range(12)) + list(range(30, 42))  # 18 days missing: more than a quarter of 24 points
    lines = ["day,visits"] + [f"{days[k]:%Y-%m-%d},{k % 7}" for k in keep]
    series = prepare_series(read_table(csv_bytes(lines)), "visits", "day")
    report = series.report
    assert (report.freq, report.n_gaps, report.gaps_filled, report.n_points) == ("D", 18, False, 24)
    assert series.time.freq is None  # the stamps are not on a complete grid
    assert ("data.note.gaps_kept", {"n": 18}) in report.notes


# Steps of 25, 24, 31, 17, 33, 20, 21, 28, 21, 30 hours: no common step that most of them share.
IRREGULAR = pd.Timestamp("2020-01-01") + pd.to_timedelta([0, 25, 49, 80, 97, 130, 150, 171, 199, 220, 250], "h")


def test_irregular_steps_have_no_frequency():
    lines = ["t,v"] + [f"{s:%Y-%m-%d %H:%M},{k * k}" for k, s in enumerate(IRREGULAR)]
    series = prepare_series(read_table(csv_bytes(lines)), "v", "t")
    assert series.freq is None and series.season is None and series.report.n_gaps == 0
    assert ("data.note.irregular", {}) in series.report.notes


def test_missing_and_infinite_values_are_interpolated_inside_and_dropped_at_the_ends():
    cells = ["", "NA", "1", "2", "nan", "inf", "5", "6", "", "8", "9", "10", "11", "-inf", "", "null"]
    lines = ["when,value"] + [f"2020-01-{k + 1:02d},{c}" for k, c in enumerate(cells)]
    series = prepare_series(read_table(csv_bytes(lines)), "value", "when")
    report = series.report
    np.testing.assert_allclose(series.values, np.arange(1.0, 12.0))
    assert series.time[0] == pd.Timestamp("2020-01-03") and series.time[-1] == pd.Timestamp("2020-01-13")
    assert (report.n_missing_filled, report.n_dropped_ends, report.n_inf) == (3, 5, 2)
    assert report.n_rows_read == 16 and report.n_points == 11
    assert ("data.note.missing_filled", {"n": 3}) in report.notes
    assert ("data.note.dropped_ends", {"n": 5}) in report.notes
    assert ("data.note.inf", {"n": 2, "column": "value"}) in report.notes


def test_a_few_text_cells_in_a_numeric_column_become_missing():
    lines = monthly()
    lines[5] = f"{MONTHS[4]},n/a?"
    table = read_table(csv_bytes(lines))
    assert table.numeric_columns == ["sales"]
    series = prepare_series(table, "sales", "date")
    assert series.report.n_non_numeric == 1 and series.report.n_missing_filled == 1
    assert series.values[4] == pytest.approx((VALUES[3] + VALUES[5]) / 2)
    assert ("data.note.non_numeric", {"n": 1, "column": "sales", "example": "n/a?"}) in series.report.notes


def test_rows_without_a_readable_time_are_left_out():
    lines = monthly() + ["Total,51.25"]
    series = prepare_series(read_table(csv_bytes(lines)), "sales", "date")
    assert series.report.n_bad_time == 1 and series.report.n_points == 12
    assert ("data.note.bad_time", {"n": 1, "column": "date", "example": "Total"}) in series.report.notes


def test_every_report_note_renders_in_both_languages():
    lines = ["month,sales"] + [f"{d},{v}" for d, v in reversed(list(zip(MONTHS, VALUES)))] + [f"{MONTHS[0]},x"]
    series = prepare_series(read_table(csv_bytes(lines)), "sales", "month")
    assert len(series.report.notes) >= 3
    for key, params in series.report.notes:
        for lang in ("en", "zh"):
            text = tr(key, lang, **params)
            assert text != key and "{" not in text


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b"", "data.empty"),
        (b" \n\n \n", "data.empty"),
        (b"date,sales\n", "data.header_only"),
        (b"\x00\x01\x02\x03binary\x00", "data.binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "data.binary"),
        (b"PK\x03\x04\x14\x00\x06\x00", "data.spreadsheet"),
        (b"date,sales\n2020-01-01,\x80\xff\n", "data.encoding"),
        (b"a,b\n1,2\n3,4\n5,6,7\n8,9\n", "data.ragged"),
        (b'a,b\n1,2\n3,"4\n5,6\n', "data.quote"),
        (b"name,city\nAnn,Rome\nBo,Oslo\n", "data.no_numeric"),
    ],
)
def test_unusable_files_are_refused_with_advice(raw, key):
    err = refused(key, read_table, raw, name="upload.csv")
    assert "upload.csv" in str(err)


def test_what_cannot_be_read_at_all_is_refused_not_raised(monkeypatch):
    refused("data.unreadable", read_table, 12345)
    table = read_table(csv_bytes(monthly()))

    def broken(index):
        raise RuntimeError("boom")

    monkeypatch.setattr(data.cleaning, "infer_freq", broken)
    err = refused("data.unexpected", prepare_series, table, "sales", "date")
    assert "boom" in str(err)


def test_every_refusal_key_is_covered():
    refusals = {key for key in messages.EN if not key.startswith(("data.note.", "data.freq."))}
    assert refusals == ADVICE.keys()


def test_ragged_line_message_names_the_line():
    err = refused("data.ragged", read_table, b"a,b\n1,2\n3,4\n5,6,7\n8,9\n")
    assert err.params["line"] == 4 and err.params["found"] == 3 and err.params["expected"] == 2


def test_missing_path_is_refused(tmp_path):
    refused("data.not_found", read_table, tmp_path / "nope.csv")


def test_size_cap(monkeypatch, tmp_path):
    monkeypatch.setattr(data.decode, "MAX_BYTES", 100)
    raw = csv_bytes(monthly())
    assert len(raw) > 100
    err = refused("data.too_large", read_table, raw)
    assert "MB" in str(err) and "Keep only" in str(err)
    path = tmp_path / "big.csv"
    path.write_bytes(raw)
    refused("data.too_large", read_table, path)
    refused("data.too_large", read_table, io.BytesIO(raw))


def test_row_cap(monkeypatch):
    monkeypatch.setattr(data.read, "MAX_ROWS", 11)
    err = refused("data.too_many_rows", read_table, csv_bytes(monthly()))
    assert "11" in str(err) and "shorter period" in str(err)
    monkeypatch.setattr(data.read, "MAX_ROWS", 12)
    assert len(read_table(csv_bytes(monthly())).frame) == 12


def test_column_choices_are_checked():
    lines = ["date,sales,shop"] + [f"{d},{v},{'north' if k % 2 else 'south'}" for k, (d, v) in enumerate(zip(MONTHS, VALUES))]
    table = read_table(csv_bytes(lines))
    err = refused("data.unknown_column", prepare_series, table, "revenue", "date")
    assert "date, sales, shop" in str(err)
    refused("data.unknown_column", prepare_series, table, "sales", "datum")
    err = refused("data.target_is_time", prepare_series, table, "date", None)
    assert "Pick a column of numbers: sales" in str(err)
    err = refused("data.not_numeric", prepare_series, table, "shop", "date")
    assert "0%" in str(err) and "Pick a column of numbers" in str(err)
    err = refused("data.not_time", prepare_series, table, "sales", "shop")
    assert "Pick a time column (date)" in str(err)


def test_mostly_text_column_is_not_numeric():
    lines = ["date,sales,temp"] + [
        f"{d},{v if k % 2 else 'closed'},{k}.5" for k, (d, v) in enumerate(zip(MONTHS, VALUES))
    ]
    table = read_table(csv_bytes(lines))
    assert table.numeric_columns == ["temp"]
    err = refused("data.not_numeric", prepare_series, table, "sales", "date")
    assert "50%" in str(err) and "“closed”" in str(err) and "Pick a column of numbers: temp" in str(err)


@pytest.mark.parametrize(
    ("cells", "key"),
    [
        (["7"] * 12, "data.constant"),
        (["1", "2", "3", "4", "5"], "data.too_few"),
        (["1", "", "", "", "", "", "", "", "", "2", "3"], "data.mostly_missing"),
    ],
)
def test_series_that_cannot_be_learned_are_refused(cells, key):
    lines = ["t,v"] + [f"2020-01-{k + 1:02d},{c}" for k, c in enumerate(cells)]
    err = refused(key, prepare_series, read_table(csv_bytes(lines)), "v", "t")
    if key == "data.too_few":
        assert err.params["min_points"] == MIN_POINTS == 10


def test_a_series_without_numbers_in_the_chosen_rows_is_refused():
    lines = ["date,shop,sales"] + [f"{d},north,{v}" for d, v in zip(MONTHS, VALUES)] + [f"{d},south," for d in MONTHS]
    table = read_table(csv_bytes(lines))
    err = refused("data.no_values", prepare_series, table, "sales", "date", "shop", "south")
    assert "Pick another column or series" in str(err)


# --------------------------------------------------------------------------- seasons and the future


@pytest.mark.parametrize(
    ("freq", "season"),
    [("MS", 12), ("ME", 12), ("QS-JAN", 4), ("QE-DEC", 4), ("W-SUN", 52), ("D", 7), ("B", 5), ("h", 24),
     ("YS-JAN", None), ("2h", None), ("15min", None), (None, None), ("nonsense!", None)],
)
def test_season_for(freq, season):
    assert season_for(freq) == season


def test_freq_label_keys_exist_in_the_message_tables():
    assert freq_label_key("MS") == "data.freq.month" and freq_label_key("W-SUN") == "data.freq.week"
    assert freq_label_key(None) is None and freq_label_key("3D") is None
    assert tr(freq_label_key("QS-JAN"), "zh") == "每季度"


def test_future_index_continues_the_time_axis():
    series = prepare_series(read_table(csv_bytes(monthly())), "sales", "date")
    future = future_index(series, 3)
    assert list(future) == [pd.Timestamp("2021-01-01"), pd.Timestamp("2021-02-01"), pd.Timestamp("2021-03-01")]
    assert len(future_index(series, 0)) == 0

    numbered = prepare_series(read_table(csv_bytes(monthly())), "sales")
    np.testing.assert_array_equal(future_index(numbered, 2), [12, 13])
    refused("data.horizon", future_index, numbered, -1)


def test_future_index_of_an_irregular_series_uses_the_median_step():
    lines = ["t,v"] + [f"{s:%Y-%m-%d %H:%M},{k * k}" for k, s in enumerate(IRREGULAR)]
    series = prepare_series(read_table(csv_bytes(lines)), "v", "t")
    median = pd.Timedelta(hours=24.5)  # of the steps 25 24 31 17 33 20 21 28 21 30 hours
    assert list(future_index(series, 2)) == [IRREGULAR[-1] + median, IRREGULAR[-1] + 2 * median]


# --------------------------------------------------------------------------- messages


def test_message_tables_match_in_both_languages():
    assert messages.EN.keys() == messages.ZH.keys()
    assert all(key.startswith("data.") for key in messages.EN)
    fields = lambda text: sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)  # noqa: E731
    for key in messages.EN:
        assert fields(messages.EN[key]) == fields(messages.ZH[key]), key
        assert re.search(r"[\u4e00-\u9fff]", messages.ZH[key]), f"{key} is not translated"


def test_values_across_one_row_get_transpose_advice():
    err = refused("data.one_row", lambda: prepare_series(
        read_table((",".join(str(100 + k % 17) for k in range(60)) + "\n").encode(), "row.csv"), "column 1"))
    assert err.params["n_columns"] == 60


def test_thousands_of_columns_are_refused_before_typing_them():
    body = ",".join(f"c{k}" for k in range(800)) + "\n" + "\n".join(",".join(["1"] * 800) for _ in range(5))
    refused("data.too_many_columns", read_table, body.encode(), "wide.csv")


def test_astronomical_values_are_refused():
    body = "t,v\n" + "\n".join(f"{k},{1e308 if k % 2 else -1e308}" for k in range(30))
    refused("data.extreme", lambda: prepare_series(read_table(body.encode()), "v"))


def test_windows_1252_is_not_read_as_gb18030_mojibake():
    raw = "température;pluie\n".encode("cp1252") + "".join(f"{k};{k % 7},5\n" for k in range(30)).encode()
    table = read_table(raw, "meteo.csv")
    assert table.encoding == "cp1252"
    assert list(table.frame.columns)[0] == "température"
