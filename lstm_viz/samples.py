"""Catalogue of the sample series shipped in ``sample_data/``.

Each :class:`Sample` names a CSV file, the column to forecast and the teaching
defaults that suit it (a window and a test part of about one season, a forecast
horizon the series can support). Titles and one-line descriptions live in
``lstm_viz/i18n/samples.py`` under ``sample.<key>.title`` / ``sample.<key>.about``.
Where each file comes from is in ``sample_data/README.md``.

This module only locates files; reading them is ``lstm_viz.data``'s job.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lstm_viz.errors import LensError

SAMPLE_DIR: Path = (Path(__file__).resolve().parent.parent / "sample_data").resolve()


@dataclass(frozen=True)
class Sample:
    """One sample file and the settings that make it a good first lesson.

    Parameters
    ----------
    key : str
        Short name used by the app and the i18n keys (``"airline"`` …).
    file : str
        File name inside ``sample_data/``.
    target : str
        Column to forecast by default.
    time_column : str or None
        Column holding the time stamps (dates, months, years or steps).
    series_column, series_name : str or None
        For a long-format file: the column naming each series and the series
        shown by default.
    window : int
        Default input window ``T`` in time steps.
    test_size : int
        Default number of final points held out for testing.
    horizon : int
        Default number of steps for the recursive forecast.
    season : int or None
        Season length in steps (for seasonal baselines), or None if the
        series has no fixed season.
    """

    key: str
    file: str
    target: str
    time_column: str | None
    series_column: str | None = None
    series_name: str | None = None
    window: int = 12
    test_size: int = 12
    horizon: int = 12
    season: int | None = 12


SAMPLES: dict[str, Sample] = {
    s.key: s
    for s in (
        # Monthly with a clear yearly season: one year in, one year held out.
        Sample("airline", "airline_passengers.csv", "Passengers", "Month"),
        Sample("elnino", "elnino_sst.csv", "SST", "Month", test_size=24),
        # The same temperatures as NOAA publishes them, a row per year and a column per month: the
        # reader lays them out as one monthly series (lstm_viz.data.wide), named after the file.
        Sample("elnino_wide", "elnino_sst_wide.csv", "elnino_sst_wide", "date", test_size=24),
        # The ~11-year solar cycle drifts between 9 and 14 years, so no fixed season.
        Sample("sunspots", "sunspots_yearly.csv", "Sunspots", "Year",
               window=11, test_size=22, horizon=11, season=None),
        # Weekly prices are close to a random walk: short window, a quarter held out.
        Sample("stocks", "stocks_weekly.csv", "GOOG", "date",
               window=8, test_size=13, horizon=4, season=None),
        Sample("stocks_long", "stocks_long.csv", "price", "date",
               series_column="symbol", series_name="GOOG",
               window=8, test_size=13, horizon=4, season=None),
        # Daily temperature: two weeks in, four weeks held out; the season is the year.
        Sample("seattle", "seattle_weather.csv", "temp_max", "date",
               window=14, test_size=28, horizon=14, season=365),
        # Period 25 (see make_noisy_sine.py): one period in, two held out.
        Sample("sine", "noisy_sine.csv", "value", "t",
               window=25, test_size=50, horizon=25, season=25),
    )
}


def sample_path(key: str) -> Path:
    """Return the absolute path of the sample file for ``key``.

    Raises
    ------
    LensError
        ``samples.unknown`` if ``key`` is not in :data:`SAMPLES`.
    """
    if key not in SAMPLES:
        raise LensError("samples.unknown", name=key, known=", ".join(SAMPLES))
    return SAMPLE_DIR / SAMPLES[key].file


def sample_bytes(key: str) -> bytes:
    """Return the raw bytes of the sample file for ``key`` (as an upload would give them)."""
    return sample_path(key).read_bytes()
