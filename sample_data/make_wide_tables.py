"""Write ``elnino_sst_wide.csv``: the El Niño sea temperatures back in their published year × month layout.

statsmodels ships this series (``statsmodels.api.datasets.elnino``) as NOAA publishes
it: one row per year, ``YEAR,JAN,FEB,…,DEC``. ``extract_samples.py`` reshaped it to one
row per month (``elnino_sst.csv``); this script lays those same values out again as
years × months, so the app has a year × month table to read and the two files can be
checked against each other. No values are invented: every cell comes from ``elnino_sst.csv``.

Usage: ``python sample_data/make_wide_tables.py [OUTPUT_CSV]`` (default: beside this script).
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def make_elnino_wide(source: Path, path: Path) -> None:
    """Write the ``YEAR,JAN,…,DEC`` table of ``source`` (``Month,SST`` rows, ``YYYY-MM``) to ``path``."""
    years: dict[str, list[str]] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            year, month = row["Month"].split("-")
            years.setdefault(year, [""] * 12)[int(month) - 1] = row["SST"]
    lines = [",".join(("YEAR", *MONTHS))] + [",".join((year, *cells)) for year, cells in years.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    make_elnino_wide(here / "elnino_sst.csv", Path(sys.argv[1]) if len(sys.argv) > 1 else here / "elnino_sst_wide.csv")
