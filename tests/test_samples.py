"""The sample files are present, clean and match the catalogue in ``lstm_viz.samples``.

Reads the CSVs with plain pandas on purpose: these tests check the files,
not ``lstm_viz.data``.
"""
from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from lstm_viz.errors import LensError
from lstm_viz.i18n import TABLES
from lstm_viz.samples import SAMPLE_DIR, SAMPLES, sample_bytes, sample_path

# key -> (rows, first time stamp, last time stamp)
EXPECTED = {
    "airline": (144, "1949-01", "1960-12"),
    "elnino": (732, "1950-01", "2010-12"),
    "elnino_wide": (732, "1950-01", "2010-12"),  # as one series: 61 years × 12 months
    "sunspots": (309, 1700, 2008),
    "stocks": (105, "2018-01-01", "2019-12-30"),
    "stocks_long": (630, "2018-01-01", "2019-12-30"),
    "seattle": (1461, "2012-01-01", "2015-12-31"),
    "sine": (400, 0, 399),
}


MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def read(key: str) -> pd.DataFrame:
    """Read a sample with plain pandas; a year × month sample is laid out as one series, as the app reads it."""
    frame = pd.read_csv(io.BytesIO(sample_bytes(key)), encoding="utf-8")
    sample = SAMPLES[key]
    if "YEAR" in frame.columns:
        assert list(frame.columns) == ["YEAR", *MONTHS]
        values = frame[MONTHS].to_numpy().reshape(-1)  # row by row: January to December of each year
        dates = [f"{year}-{month:02d}" for year in frame["YEAR"] for month in range(1, 13)]
        frame = pd.DataFrame({sample.time_column: dates, sample.target: values})
    return frame


def test_catalogue_covers_expected_keys():
    assert set(SAMPLES) == set(EXPECTED)
    assert all(key == sample.key for key, sample in SAMPLES.items())


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_file_parses_with_declared_columns(key):
    sample = SAMPLES[key]
    path = sample_path(key)
    assert path.is_absolute() and path.parent == SAMPLE_DIR and path.is_file()
    frame = read(key)
    for column in (sample.target, sample.time_column, sample.series_column):
        if column is not None:
            assert column in frame.columns
    assert pd.api.types.is_numeric_dtype(frame[sample.target])
    assert not frame[sample.target].isna().any()
    assert not frame.isna().any().any()


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_length_span_and_time_order(key):
    sample = SAMPLES[key]
    rows, first, last = EXPECTED[key]
    frame = read(key)
    assert len(frame) == rows
    times = frame[sample.time_column]
    assert times.iloc[0] == first and times.iloc[-1] == last
    if sample.series_column is None:
        assert times.is_unique and times.is_monotonic_increasing  # ISO strings sort as time


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_defaults_fit_the_series(key):
    sample = SAMPLES[key]
    frame = read(key)
    if sample.series_column is not None:
        frame = frame[frame[sample.series_column] == sample.series_name]
    assert 2 <= sample.window and 1 <= sample.test_size and 1 <= sample.horizon
    # leave plenty of training windows after the test part is held out
    assert len(frame) - sample.test_size - sample.window >= 5 * sample.window


def test_airline_values():
    frame = read("airline")
    passengers = frame["Passengers"]
    assert passengers.iloc[0] == 112 and passengers.iloc[-1] == 432
    assert passengers.sum() == 40363
    assert pd.api.types.is_integer_dtype(passengers)


def test_monthly_and_daily_time_stamps_are_iso():
    assert pd.to_datetime(read("airline")["Month"], format="%Y-%m").diff().dt.days.dropna().between(28, 31).all()
    assert pd.to_datetime(read("elnino")["Month"], format="%Y-%m").diff().dt.days.dropna().between(28, 31).all()
    assert (pd.to_datetime(read("seattle")["date"], format="%Y-%m-%d").diff().dropna() == pd.Timedelta(days=1)).all()
    assert (pd.to_datetime(read("stocks")["date"], format="%Y-%m-%d").diff().dropna() == pd.Timedelta(days=7)).all()
    assert pd.api.types.is_integer_dtype(read("sunspots")["Year"])


def test_elnino_wide_holds_the_same_values_as_elnino(tmp_path):
    wide, long = read("elnino_wide"), read("elnino")
    assert list(wide["date"]) == list(long["Month"])
    assert (wide["elnino_sst_wide"].to_numpy() == long["SST"].to_numpy()).all()
    out = tmp_path / "elnino_sst_wide.csv"
    subprocess.run([sys.executable, str(SAMPLE_DIR / "make_wide_tables.py"), str(out)], check=True)
    assert out.read_bytes() == sample_bytes("elnino_wide")


def test_stocks_long_matches_wide():
    wide = read("stocks")
    long = read("stocks_long")
    sample = SAMPLES["stocks_long"]
    assert list(long.columns) == ["date", "symbol", "price"]
    assert sample.series_name in set(long[sample.series_column])
    assert set(long["symbol"]) == set(wide.columns) - {"date"}
    pivot = long.pivot(index="date", columns="symbol", values="price")
    pd.testing.assert_frame_equal(
        pivot[wide.columns[1:]].reset_index(drop=True),
        wide.drop(columns="date"),
        check_names=False,
    )


def test_noisy_sine_script_is_reproducible(tmp_path):
    out = tmp_path / "noisy_sine.csv"
    subprocess.run([sys.executable, str(SAMPLE_DIR / "make_noisy_sine.py"), str(out)], check=True)
    assert out.read_bytes() == sample_bytes("sine")


def test_files_are_small_utf8_with_unix_line_ends():
    total = 0
    for key in SAMPLES:
        data = sample_bytes(key)
        data.decode("utf-8")
        assert b"\r" not in data and data.endswith(b"\n")
        total += len(data)
    assert total < 1_000_000


def test_unknown_key_is_refused():
    with pytest.raises(LensError) as err:
        sample_path("nope")
    assert err.value.key == "samples.unknown"


@pytest.mark.parametrize("key", sorted(SAMPLES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_titles_and_descriptions_exist(key, lang):
    for field in ("title", "about"):
        assert TABLES[lang].get(f"sample.{key}.{field}", "").strip()
