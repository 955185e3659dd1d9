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
Excel, dates written ``01.02.2020`` or ``1949年1月``. Anything this package
cannot use is refused with a :class:`~lstm_viz.errors.LensError` whose message
says what is wrong and what to do; no pandas or numpy exception escapes.

Modules, in the order a file goes through them:

========== ==============================================================
decode     bytes, path or upload → text (size cap, encodings, binaries)
layout     separator, preamble, decimal mark, thousands separator
times      the ways times are written, and their parsers
columns    one column of strings → time, numeric, text or empty
read       text → :class:`Table` (:func:`read_table`)
cleaning   the steps that put one column on a clean time axis
series     :class:`Table` → :class:`Series` (:func:`prepare_series`, :func:`load_series`)
freq       time steps: frequency, gaps, season, :func:`future_index`
========== ==============================================================

The caps live where they are checked, so a test patches them there:
``decode.MAX_BYTES``, ``read.MAX_ROWS``, ``series.MIN_POINTS``; likewise
``infer_freq`` (re-exported here for the tests that call it) is patched in
``cleaning``, where :func:`prepare_series` looks it up.
"""
from lstm_viz.data.columns import NUMERIC_SHARE, ColumnInfo
from lstm_viz.data.decode import MAX_BYTES
from lstm_viz.data.freq import GAP_FILL_SHARE, freq_label_key, future_index, infer_freq, season_for
from lstm_viz.data.read import MAX_ROWS, Table, read_table
from lstm_viz.data.series import MIN_POINTS, DataReport, Series, load_series, prepare_series
from lstm_viz.data.times import TIME_SHARE

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "MIN_POINTS",
    "NUMERIC_SHARE",
    "TIME_SHARE",
    "GAP_FILL_SHARE",
    "ColumnInfo",
    "Table",
    "DataReport",
    "Series",
    "read_table",
    "prepare_series",
    "load_series",
    "season_for",
    "freq_label_key",
    "future_index",
]
