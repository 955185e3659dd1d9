"""Rebuild the packaged sample CSVs from the Python packages that ship them.

Not part of the app and not in requirements: run it in a throw-away
environment when a file needs rebuilding::

    python -m venv /tmp/samples && /tmp/samples/bin/pip install pmdarima statsmodels plotly vega_datasets pandas
    /tmp/samples/bin/python sample_data/extract_samples.py

It writes into the folder it lives in (or the folder given as the first
argument). ``noisy_sine.csv`` comes from ``make_noisy_sine.py`` instead.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def _write(frame: pd.DataFrame, path: Path, float_format: str | None = None) -> None:
    # "\n" line ends and UTF-8 whatever the platform, so a rebuild is byte-identical.
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8", float_format=float_format)


def airline(out: Path) -> None:
    from pmdarima.datasets import load_airpassengers

    passengers = load_airpassengers(as_series=True).astype(int).to_numpy()
    months = pd.period_range("1949-01", periods=len(passengers), freq="M").strftime("%Y-%m")
    _write(pd.DataFrame({"Month": months, "Passengers": passengers}), out / "airline_passengers.csv")


def elnino(out: Path) -> None:
    import statsmodels.api as sm

    wide = sm.datasets.elnino.load_pandas().data
    long = wide.melt(id_vars="YEAR", value_vars=MONTHS, var_name="mon", value_name="SST")
    long["m"] = long["mon"].map({name: k + 1 for k, name in enumerate(MONTHS)})
    long = long.sort_values(["YEAR", "m"])
    long["Month"] = [f"{int(y):04d}-{m:02d}" for y, m in zip(long["YEAR"], long["m"])]
    _write(long[["Month", "SST"]], out / "elnino_sst.csv", float_format="%.2f")


def sunspots(out: Path) -> None:
    import statsmodels.api as sm

    data = sm.datasets.sunspots.load_pandas().data
    frame = pd.DataFrame({"Year": data["YEAR"].astype(int), "Sunspots": data["SUNACTIVITY"]})
    _write(frame, out / "sunspots_yearly.csv", float_format="%g")


def stocks(out: Path) -> None:
    import plotly.data

    wide = plotly.data.stocks()
    _write(wide, out / "stocks_weekly.csv", float_format="%.6f")
    long = wide.melt(id_vars="date", var_name="symbol", value_name="price")
    _write(long, out / "stocks_long.csv", float_format="%.6f")


def seattle(out: Path) -> None:
    from vega_datasets import local_data

    data = local_data.seattle_weather()
    frame = data[["date", "temp_max", "temp_min", "precipitation", "wind"]].copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    _write(frame, out / "seattle_weather.csv", float_format="%g")


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    for build in (airline, elnino, sunspots, stocks, seattle):
        build(out)


if __name__ == "__main__":
    main(sys.argv)
