"""A catalogue of the bad and odd inputs a class of thirty brings, each driven through the real pages.

Every case starts from the same session: the airline sample loaded and a tiny
model trained (once, for the whole module). Then it uploads a file, loads a
model file or moves a setting the way a student would (Streamlit's AppTest),
and checks the classroom rules:

- the page shows no exception (no traceback, ever);
- a refusal is a red box in words that says what is wrong and what to do
  (the message's advice is checked in English; a few cases again in Chinese);
- an odd file that *is* accepted loads, and the data report says what was done
  (sorted, averaged, filled in …);
- the student's data set and model are still there afterwards.

Settings the widgets already bound (a learning rate of 100, 4096 units, 0
epochs) cannot be typed into the page; for those the page is checked to keep
the widget in bounds, and the engine path the page calls
(``workspace.start_run`` → ``Config.validate`` / ``training.check_budget``)
is checked to refuse with advice and leave the workspace as it was.

Big files are built in memory. The one genuine over-cap file (200,001 rows)
exercises the real row cap; the "million rows" case patches the cap down, as
the real one would be hit anyway.
"""
from __future__ import annotations

import copy
import io
import os
import pickle
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from lstm_viz import workspace
from lstm_viz.config import LIMITS, Config
from lstm_viz.data import read as data_read
from lstm_viz.errors import LensError
from lstm_viz.model_file import save_model
from lstm_viz.i18n import TABLES
from lstm_viz.models import build_model
from lstm_viz.windows import Scaler

APP = Path(__file__).resolve().parent.parent / "app.py"
TIMEOUT = 60

# The advice each refusal must give (a fragment of its English message).
ADVICE = {
    "data.empty": "Upload a CSV",
    "data.header_only": "Add the data rows",
    "data.binary": "Save As",
    "data.spreadsheet": "Save As",
    "readers.corrupt": "Save As",
    "data.encoding": "Save the file again",
    "data.too_large": "Keep only the columns and rows you need",
    "ws.too_big": "Upload a shorter file",
    "data.too_many_rows": "Keep a shorter period",
    "data.no_numeric": "check that the file uses one separator",
    "ws.no_numeric": "Upload a file with at least one numeric column",
    "data.constant": "Pick another column or series",
    "data.one_row": "Transpose",
    "data.too_many_columns": "Keep the time column",
    "data.extreme": "rescale the column",
    "data.too_few": "Use a longer series",
    "ws.too_short": "Upload a longer series",
    "data.ragged": "Fix or delete that line",
    "data.quote": "Delete the stray quote mark",
    "data.mostly_missing": "Fill in the missing data",
    "data.pick_series": "Choose",
    "data.unreadable": "Check that it is a CSV",
    "config.range": "Pick a value inside it",
    "config.budget": "Use fewer epochs",
    "windows.not_enough": "Use a shorter window",
    "windows.not_enough_val": "Use a shorter window",
    "windows.too_short": "Use a shorter window",
    "windows.test_size": "Increase the test size",
    "forecast.horizon": "at least one step",
    "export.empty": "Choose the .pt file",
    "export.too_big": "Choose a model file saved by LSTM Lens",
    "export.not_torch": "Download the model from LSTM Lens again",
    "export.unsafe": "Only upload model files saved by LSTM Lens",
    "export.wrong_format": "Save the model with",
    "export.version": "Save the model again",
    "export.config_range": "Train and save the model again",
    "export.mismatch": "save the model again",
    "export.not_finite": "Train the model again",
    "safety.too_many_cells": "keep only the time column",
    "safety.json": "Export the data as CSV",
    "safety.html": "Download the CSV file itself",
    "safety.outlier": "Check the file for a typing or unit error",
    "safety.split_cap": "Choose a smaller test part",
    "safety.model_inflates": "Choose a model file saved by LSTM Lens",
    "safety.odd_tensor": "Choose a model file saved by LSTM Lens",
    "safety.model_inputs": "Your current model is kept",
    "safety.model_trial": "your current model is kept",
}


# -- the starting session -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline() -> workspace.Workspace:
    """The airline sample and a tiny trained model: the state every case must leave intact."""
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    workspace.train_to_end(ws, workspace.recommended_config(ws.dataset).replace(hidden_size=4, epochs=2))
    assert ws.run is not None and ws.run.epochs_done == 2
    return ws


@pytest.fixture(scope="module")
def model_bytes(baseline) -> bytes:
    return workspace.model_file(baseline.run)


def open_page(baseline: workspace.Workspace, page: str, lang: str = "en") -> tuple[AppTest, workspace.Workspace]:
    """Open ``pages/<page>.py`` in a session that holds the baseline data set and model."""
    # A shallow copy of the data set (same data_id) so a case that changes the split cannot leak.
    ws = workspace.Workspace(dataset=copy.copy(baseline.dataset), run=baseline.run, cfg=baseline.cfg)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["ws"] = ws
    at.run()
    if lang != "en":
        at.segmented_control(key="lang").set_value(lang).run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at, ws


def shown(text: str) -> str:
    """Return Markdown as the reader sees it (user text inside messages is backslash-escaped)."""
    return re.sub(r"\\(.)", r"\1", text)


def template_regex(key: str, lang: str) -> re.Pattern:
    """A regex matching the message ``key`` in ``lang`` with any placeholder values."""
    parts = re.split(r"\{[^{}]*\}", TABLES[lang][key])
    return re.compile(".*?".join(re.escape(p) for p in parts), re.S)


def all_text(at: AppTest) -> str:
    kinds = ("markdown", "caption", "title", "subheader", "error", "warning", "info", "success", "exception")
    return "\n".join(str(e.value) for kind in kinds for e in at.get(kind))


def assert_refused(at: AppTest, keys: tuple[str, ...], lang: str = "en") -> str:
    """Assert the page shows one of ``keys`` as an error box, in words with advice; return its text."""
    assert not at.exception, [e.value for e in at.exception]
    errors = [shown(e.value) for e in at.error]
    assert errors, f"no error box; the page said: {all_text(at)[:600]}"
    known = [key for key in keys if key in TABLES[lang]]
    assert known, f"expected a refusal with one of {keys} (no such message yet); the page said: {errors}"
    hits = [(key, text) for text in errors for key in known if template_regex(key, lang).fullmatch(text.strip())]
    assert hits, f"expected one of {keys}, got {errors}"
    key, text = hits[0]
    if lang == "en":
        assert ADVICE[key] in text, f"{key}: no advice in {text!r}"
    else:
        assert re.search(r"[\u4e00-\u9fff]", text) and key not in text
    assert "Traceback" not in all_text(at)
    return text


def assert_kept(ws: workspace.Workspace, baseline: workspace.Workspace, data: bool = True) -> None:
    """The model (and, unless a new data set was accepted, the data set) survived."""
    assert ws.run is baseline.run and ws.run.epochs_done == 2, "the trained model was lost"
    assert ws.candidate is None, "a run was started"
    if data:
        assert ws.dataset is not None and ws.dataset.data_id == baseline.dataset.data_id, "the data set was lost"
        assert ws.dataset.n_points == baseline.dataset.n_points
        assert (ws.dataset.test_size, ws.dataset.horizon) == (baseline.dataset.test_size, baseline.dataset.horizon)


# -- files a student uploads ----------------------------------------------------------------------


def rows(header: str, lines) -> bytes:
    return (header + "\n" + "\n".join(lines) + "\n").encode()


def monthly(n: int = 48, start: int = 2015) -> list[tuple[str, float]]:
    return [(f"{start + k // 12}-{k % 12 + 1:02d}", 100 + 10 * np.sin(k / 2) + k) for k in range(n)]


def month_rows(n: int = 48) -> list[str]:
    return [f"{d},{v:.1f}" for d, v in monthly(n)]


def xlsx_like() -> bytes:
    return b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4


def over_size_cap() -> bytes:
    return b"value\n" + b"1\n" * (11 * 2**20)  # 22 MB: over maxUploadSize and the data module's MAX_BYTES


def just_over_row_cap() -> bytes:
    n = data_read.MAX_ROWS + 1
    return b"value\n" + "\n".join(str(k % 97) for k in range(n)).encode() + b"\n"


def a_million_rows() -> bytes:
    return b"t,value\n" + "\n".join(f"{k},{k % 89}" for k in range(1_000_000)).encode() + b"\n"


def gbk_file() -> bytes:
    return ("月份,销售额\n" + "\n".join(f"{d},{v:.1f}" for d, v in monthly())).encode("gbk")


def latin1_file() -> bytes:
    return ("date,température\n" + "\n".join(month_rows())).encode("cp1252")


def utf16_tabs() -> bytes:
    return ("month\tsales\r\n" + "\r\n".join(f"{d}\t{v:.1f}" for d, v in monthly())).encode("utf-16")


def decimal_comma() -> bytes:
    return ("Datum;Umsatz\n" + "\n".join(f"01.{k % 12 + 1:02d}.{2015 + k // 12};{100 + k},{k % 10}"
                                         for k in range(48))).encode()


@dataclass
class Upload:
    """An uploaded file: refused with one of ``keys``, or accepted with these report lines."""

    id: str
    name: str
    data: Callable[[], bytes]
    keys: tuple[str, ...] = ()
    report: tuple[str, ...] = ()  # i18n keys of report lines an accepted file must show
    check: Callable | None = None  # extra checks on (at, ws)
    patch: dict = field(default_factory=dict)  # module attribute -> value, e.g. a lowered cap


def _xss_is_text(at: AppTest, ws: workspace.Workspace) -> None:
    raw = "<img src=x onerror=alert(1)>"
    assert ws.dataset.target == raw
    for kind in ("markdown", "caption", "subheader", "success", "title"):
        for e in at.get(kind):
            assert not re.search(r"(?<!\\)<img", str(e.value)), f"raw HTML in {kind}: {e.value!r}"
    for chart in at.get("plotly_chart"):
        assert "<img" not in chart.proto.spec, "raw HTML in a chart title"
    assert any(raw in shown(s.value) for s in at.success), "the column name is shown, as text"


def _series_picked(at: AppTest, ws: workspace.Workspace) -> None:
    assert ws.dataset.series_column == "symbol"


def _chinese_header(at: AppTest, ws: workspace.Workspace) -> None:
    assert ws.dataset.target == "销售额"


def _latin1_header(at: AppTest, ws: workspace.Workspace) -> None:
    # Windows-1252 is the most common "unknown" encoding; GB18030 decodes it too, into mojibake.
    assert ws.dataset.target == "température", f"column read as {ws.dataset.target!r}"


def _target_is_sales(at: AppTest, ws: workspace.Workspace) -> None:
    assert ws.dataset.target == "sales"
    assert at.selectbox(key="data.target").value == "sales"  # the picker shows it, to pick another


def _price_in_thousands(at: AppTest, ws: workspace.Workspace) -> None:
    assert ws.dataset.series.values[1] == 1013.5


def _ts_is_time(at: AppTest, ws: workspace.Workspace) -> None:
    assert ws.dataset.time_column == "ts" and ws.dataset.target == "value"


UPLOADS = [
    Upload("empty", "empty.csv", lambda: b"", ("data.empty",)),
    Upload("blank_lines", "blank.csv", lambda: b"\n \n\t\n\n", ("data.empty",)),
    Upload("header_only", "header.csv", lambda: b"date,value\n", ("data.header_only",)),
    Upload("binary", "photo.csv", lambda: bytes(range(256)) * 40, ("data.binary",)),
    # A zip that starts like a workbook but is broken: read as a workbook, refused as a damaged one.
    Upload("excel_workbook", "sales.csv", xlsx_like, ("readers.corrupt",)),
    Upload("unknown_encoding", "odd.csv", lambda: bytes([0x80, 0xFF, 0x31, 0x2C, 0x80]) * 200, ("data.encoding",)),
    Upload("over_20_mb", "huge.csv", over_size_cap, ("data.too_large", "ws.too_big")),
    Upload("just_over_row_cap", "rows.csv", just_over_row_cap, ("data.too_many_rows",)),
    Upload("a_million_rows", "million.csv", a_million_rows, ("data.too_many_rows",),
           patch={"MAX_ROWS": 50_000}),
    Upload("all_text", "words.csv", lambda: rows("name,colour", ["ann,red", "bob,blue", "cy,green"] * 10),
           ("data.no_numeric", "ws.no_numeric")),
    Upload("constant", "flat.csv", lambda: rows("t,v", [f"{k},5" for k in range(60)]), ("data.constant",)),
    Upload("five_points", "short.csv", lambda: rows("v", ["1", "4", "2", "8", "5"]), ("data.too_few", "ws.too_short")),
    Upload("shorter_than_window_and_test", "eleven.csv", lambda: rows("v", [str(k % 4) for k in range(8)]),
           ("data.too_few", "ws.too_short", "windows.not_enough")),
    Upload("ragged_line", "ragged.csv", lambda: rows("a,b", ["1,2"] * 5 + ["3,4,5,6"] + ["7,8"] * 30), ("data.ragged",)),
    Upload("unclosed_quote", "quote.csv", lambda: rows("a,b", ["1,2"] * 5 + ['"3,4'] + ["7,8"] * 30), ("data.quote",)),
    Upload("mostly_missing", "holes.csv",
           lambda: rows("date,v", [f"{d},{v:.1f}" if k % 4 == 0 else f"{d}," for k, (d, v) in enumerate(monthly())]),
           ("data.mostly_missing", "data.too_few")),
    Upload("json_not_csv", "data.csv", lambda: b'{"values": [1, 2, 3, 4, 5]}', ("safety.json",)),
    Upload("html_not_csv", "data.csv", lambda: b"<!DOCTYPE html>\n<html><body><p>Not found</p></body></html>",
           ("safety.html",)),
    Upload("long_format_without_series", "stocks.csv",
           lambda: rows("date,symbol,price", [f"{d},{s},{v + (7 if s == 'B' else 0):.1f}"
                                              for d, v in monthly(30) for s in "AB"]),
           report=("data.note.series",), check=_series_picked),
    # Odd but usable: the data loads and the report says what was done.
    Upload("nan_and_inf", "gaps.csv",
           lambda: rows("t,v", [f"{k},{['nan', 'inf', '-inf', ''][k % 4] if k % 10 == 3 else k % 7}" for k in range(100)]),
           report=("data.note.inf", "data.note.missing_filled")),
    Upload("duplicate_timestamps", "dups.csv",
           lambda: rows("date,v", [f"2020-01-{k // 2 + 1:02d},{k}" for k in range(60)]),
           report=("data.note.duplicates",)),
    Upload("unsorted_times", "unsorted.csv",
           lambda: rows("date,v", [f"{d},{v:.1f}" for d, v in reversed(monthly())]), report=("data.note.resorted",)),
    Upload("mixed_types_in_column", "mixed.csv",
           lambda: rows("t,v", [f"{k},{'oops' if k % 9 == 0 else k % 13}" for k in range(100)]),
           report=("data.note.non_numeric",)),
    Upload("html_in_header", "xss.csv", lambda: rows("<img src=x onerror=alert(1)>", [str(k % 11) for k in range(80)]),
           report=("data.note.no_time",), check=_xss_is_text),
    Upload("script_in_file_name", "<script>alert(1)</script>.csv", lambda: b"", ("data.empty",)),
    Upload("path_in_file_name", "../../../etc/passwd.csv", lambda: b"root:x:0:0:root:/root:/bin/bash\n" * 20,
           ("data.no_numeric", "ws.no_numeric", "data.too_few", "data.unreadable")),
    Upload("gbk_chinese_header", "销售.csv", gbk_file, check=_chinese_header),
    Upload("utf16_excel_unicode_text", "unicode.txt", utf16_tabs),
    Upload("semicolon_decimal_comma", "umsatz.csv", decimal_comma),
    # A damaged workbook gets the app's own bilingual "Save As" advice, not Streamlit's
    # English-only "file type not allowed" (nor, past the browser's filter, an exception).
    Upload("excel_file_named_xlsx", "sales.xlsx", xlsx_like, ("readers.corrupt",)),
    # A series typed across one row: the advice is "one value per line" (transpose), not "a longer series".
    Upload("values_across_one_row", "row.csv", lambda: (",".join(str(100 + k % 17) for k in range(600)) + "\n").encode(),
           ("data.one_row", "data.too_many_columns", "data.wide")),
    # Windows-1252 (Excel's "CSV" on a European Windows) also decodes as GB18030; it must not become mojibake.
    Upload("windows_1252_header", "french.csv", latin1_file, check=_latin1_header),
    # Values near the float limit would overflow the scaler's range (scale=inf): refused up front.
    Upload("values_near_float_max", "extreme.csv",
           lambda: rows("t,v", [f"{k},{1e308 if k % 2 else -1e308}" for k in range(100)]),
           ("data.extreme", "data.overflow", "data.not_finite")),
    # Issue 11. A 2 MB series written along one line: the transpose advice, at once, not pandas' own words.
    Upload("one_line_2_mb", "row.csv", lambda: ",".join(f"{100 + k % 97}.5" for k in range(400_000)).encode(),
           ("data.one_row",)),
    # 1e99 passes the 1e100 check but overflows to inf once scaled: every run would fail in epoch 1.
    Upload("1e99_in_the_test_part", "spike.csv",
           lambda: rows("date,v", [f"{d},{1e99 if k == 45 else v:.1f}" for k, (d, v) in enumerate(monthly())]),
           ("safety.outlier",)),
    Upload("constant_first_column", "flag.csv",
           lambda: rows("date,flag,sales", [f"{d},1,{v:.1f}" for d, v in monthly()]),
           check=_target_is_sales),  # the constant flag is passed over for the most forecastable column
    Upload("generated_names_collide", "aaa.csv", lambda: rows("a,a,a (2)", [f"{k},{k * 7 % 11},{k % 5}" for k in range(40)])),
    Upload("dollars_with_thousands", "dollars.csv",
           lambda: rows("date,price", [f'{d},"${1000 + 13.5 * k:,.2f}"' for k, (d, _) in enumerate(monthly())]),
           check=_price_in_thousands),
    Upload("utf8_header_over_latin1_body", "mixed.csv",
           lambda: "date,température\n".encode() + "\n".join(month_rows()).encode("cp1252") + "\n2019-01,é\n".encode("cp1252"),
           check=_latin1_header),
    Upload("unix_stamps_named_ts", "ts.csv", lambda: rows("ts,value", [f"{1_600_000_000 + 3600 * k},{k % 7 + 0.5}"
                                                                     for k in range(60)]), check=_ts_is_time),
]


@pytest.mark.parametrize("case", UPLOADS, ids=lambda c: c.id)
def test_an_upload(case: Upload, baseline, monkeypatch):
    for name, value in case.patch.items():
        monkeypatch.setattr(data_read, name, value)
    at, ws = open_page(baseline, "data")
    at.file_uploader(key="data.upload").set_value((case.name, case.data(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    if case.keys:
        text = assert_refused(at, case.keys)
        if case.name.startswith("<script>"):
            assert "<script>alert(1)</script>.csv" in text  # named, as text (the Markdown source escapes it)
            assert not any(re.search(r"(?<!\\)<script", e.value) for e in at.error)
        assert_kept(ws, baseline)
        kept = TABLES["en"]["page.data.kept"].split("“")[0]
        assert any(kept in shown(c.value) for c in at.caption), "the page says the old data set is still loaded"
    else:
        assert not at.error, [shown(e.value) for e in at.error]
        assert ws.dataset.name == case.name, "the file was accepted"
        assert any(template_regex("page.data.loaded", "en").fullmatch(shown(s.value)) for s in at.success)
        report = [shown(m.value) for m in at.markdown if m.value.startswith("- ")]
        for key in case.report:
            assert any(template_regex(key, "en").search(line) for line in report), (key, report)
        assert_kept(ws, baseline, data=False)
    if case.check is not None:
        case.check(at, ws)
    if not case.keys:
        at.switch_page("pages/train.py").run()  # the new series can be trained on
        assert not at.exception and not at.error
        assert not any(re.search(r"(?<!\\)<(img|script)", str(e.value)) for e in at.markdown), "raw HTML"


# -- model files loaded on the Downloads page -------------------------------------------------------


class _Payload:
    """Pickles to a call of os.system: what a malicious 'model' file carries."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _edited(model: bytes, edit: Callable[[dict], None]) -> bytes:
    bundle = torch.load(io.BytesIO(model), weights_only=True)
    edit(bundle)
    buffer = io.BytesIO()
    torch.save(bundle, buffer)
    return buffer.getvalue()


def _set_config(**changes):
    return lambda b: b["config"].update(changes)


def _nan_weights(bundle: dict) -> None:
    name = next(iter(bundle["state_dict"]))
    bundle["state_dict"][name] = torch.full_like(bundle["state_dict"][name], float("nan"))


def _torch_save(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def _first_weight(change):
    def edit(bundle: dict) -> None:
        name = next(iter(bundle["state_dict"]))
        bundle["state_dict"][name] = change(bundle["state_dict"][name])
    return edit


def _zip_bomb(model: bytes, inflate_to: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(model)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, bytes(inflate_to) if info.filename.endswith("/data/0") else src.read(info))
    return out.getvalue()


def _three_inputs(model: bytes) -> bytes:
    bundle = torch.load(io.BytesIO(model), weights_only=True)
    cfg = Config.from_dict({**bundle["config"], "input_size": 3})
    scaler = bundle["scaler"]
    return save_model(build_model(cfg), cfg, Scaler(scaler["kind"], scaler["shift"], scaler["scale"]))


MARKER = Path(tempfile.gettempdir()) / "lstm_lens_catalogue_pwned"


@dataclass
class ModelFile:
    id: str
    data: Callable[[bytes], bytes]
    keys: tuple[str, ...]


MODEL_FILES = [
    ModelFile("empty", lambda m: b"", ("export.empty",)),
    ModelFile("text_not_a_model", lambda m: b"this is my homework, not a model" * 10, ("export.not_torch",)),
    ModelFile("truncated_download", lambda m: m[: len(m) // 2], ("export.not_torch",)),
    ModelFile("malicious_pickle_in_torch_file", lambda m: _torch_save({"format": "lstm-lens-model",
                                                                      "x": _Payload(str(MARKER))}),
              ("export.unsafe",)),
    ModelFile("malicious_plain_pickle", lambda m: pickle.dumps(_Payload(str(MARKER))),
              ("export.unsafe", "export.not_torch")),
    ModelFile("plain_tensor", lambda m: _torch_save(torch.zeros(3)), ("export.wrong_format",)),
    ModelFile("other_version", lambda m: _edited(m, lambda b: b.update(version=99)), ("export.version",)),
    ModelFile("hidden_size_4096", lambda m: _edited(m, _set_config(hidden_size=4096)),
              ("export.config_range", "export.mismatch")),
    ModelFile("weights_do_not_fit", lambda m: _edited(m, _set_config(hidden_size=8)), ("export.mismatch",)),
    ModelFile("nan_weights", lambda m: _edited(m, _nan_weights), ("export.not_finite",)),
    ModelFile("window_longer_than_series", lambda m: _edited(m, _set_config(window=400)),
              ("windows.not_enough", "windows.not_enough_val", "windows.too_short")),
    ModelFile("over_50_mb", lambda m: b"\0" * (51 * 2**20), ("export.too_big",)),
    # Issue 11: a zip bomb (1 MB grew to +1 GB), meta and sparse weights, a model for three inputs.
    ModelFile("zip_bomb", lambda m: _zip_bomb(m, 2**30), ("safety.model_inflates",)),
    ModelFile("meta_weights", lambda m: _edited(m, _first_weight(lambda t: t.to("meta"))), ("safety.odd_tensor",)),
    ModelFile("sparse_weights", lambda m: _edited(m, _first_weight(lambda t: t.to_sparse())), ("safety.odd_tensor",)),
    ModelFile("three_inputs", lambda m: _three_inputs(m), ("safety.model_inputs",)),
]


@pytest.mark.parametrize("case", MODEL_FILES, ids=lambda c: c.id)
def test_a_model_file(case: ModelFile, baseline, model_bytes):
    MARKER.unlink(missing_ok=True)
    at, ws = open_page(baseline, "downloads")
    at.file_uploader(key="downloads.model_upload").set_value(("model.pt", case.data(model_bytes),
                                                              "application/octet-stream")).run()
    assert_refused(at, case.keys)
    assert_kept(ws, baseline)
    assert not MARKER.exists(), "code from the file ran"
    assert len(at.get("download_button")) >= 1, "the downloads of the current model are still offered"


# -- settings ---------------------------------------------------------------------------------------


@dataclass
class Setting:
    """A setting out of bounds: the page keeps its widget in bounds; the engine refuses it in words."""

    id: str
    widget: tuple[str, str, object] | None  # (kind, key, value) typed into the page, or None
    engine: Callable[[workspace.Workspace], object]
    keys: tuple[str, ...]


def _start(**changes):
    return lambda ws: workspace.start_run(ws, ws.cfg.replace(**changes))


SETTINGS = [
    Setting("learning_rate_100", ("select_slider", "train.lr", 100.0), _start(lr=100.0), ("config.range",)),
    Setting("learning_rate_nan", None, _start(lr=float("nan")), ("config.range",)),
    Setting("hidden_size_4096", ("number_input", "train.hidden_size", 4096), _start(hidden_size=4096),
            ("config.range",)),
    Setting("zero_epochs", ("number_input", "train.epochs", 0), _start(epochs=0), ("config.range",)),
    Setting("negative_dropout", None, _start(dropout=-0.5), ("config.range",)),
    Setting("batch_size_zero", None, _start(batch_size=0), ("config.range",)),
    Setting("window_as_long_as_series", ("slider", "train.window", 144), _start(window=144),
            ("windows.not_enough", "windows.not_enough_val", "windows.too_short")),
    Setting("test_part_longer_than_series", ("number_input", "data.test_size", 10_000),
            lambda ws: workspace.set_split(ws, 10_000, 12), ("windows.not_enough", "windows.not_enough_val")),
    Setting("horizon_zero", ("number_input", "data.horizon", 0), lambda ws: workspace.set_split(ws, 12, 0),
            ("forecast.horizon",)),
]


@pytest.mark.parametrize("case", SETTINGS, ids=lambda c: c.id)
def test_a_setting(case: Setting, baseline):
    page = "data" if case.widget and case.widget[1].startswith("data.") else "train"
    at, ws = open_page(baseline, page)
    if case.widget is not None:
        kind, key, value = case.widget
        widget = at.get(kind)
        (target,) = [w for w in widget if w.key == key]
        try:
            target.set_value(value).run()
        except Exception:  # noqa: BLE001 - AppTest refuses a value outside a select slider's options
            at.session_state[key] = value  # a kept value out of range, as after a code change
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        now = at.session_state[key]
        low, high = LIMITS.get(key.split(".")[1], (1, 10**9))
        assert low <= now <= high, f"{key} is {now} on the page"
        # The page keeps its data set and model. (A number typed out of bounds resets to the widget's
        # minimum under AppTest, which the browser never sends, so the split is not compared here.)
        assert ws.run is baseline.run and ws.dataset.data_id == baseline.dataset.data_id and ws.candidate is None
        ws = workspace.Workspace(dataset=copy.copy(baseline.dataset), run=baseline.run, cfg=baseline.cfg)
    with pytest.raises(LensError) as refused:
        case.engine(ws)
    assert refused.value.key in case.keys
    english = refused.value.message("en")
    assert ADVICE[refused.value.key] in english
    assert re.search(r"[\u4e00-\u9fff]", refused.value.message("zh"))
    assert_kept(ws, baseline)


def test_a_run_over_the_compute_budget_is_refused_on_the_page(baseline):
    at, ws = open_page(baseline, "train")
    at.number_input(key="train.hidden_size").set_value(int(LIMITS["hidden_size"][1]))
    at.number_input(key="train.epochs").set_value(int(LIMITS["epochs"][1]))
    at.run()
    at.button(key="train.go").click().run()
    assert_refused(at, ("config.budget",))
    assert_kept(ws, baseline)


def test_a_long_format_file_without_a_series_column_is_refused_and_the_series_stays(baseline):
    at, ws = open_page(baseline, "data")
    stocks = rows("date,symbol,price", [f"{d},{s},{v:.1f}" for d, v in monthly(30) for s in "AB"])
    at.file_uploader(key="data.upload").set_value(("stocks.csv", stocks, "text/csv")).run()
    loaded = ws.dataset
    assert loaded.series_column == "symbol"
    at.selectbox(key="data.series_column").set_value(at.selectbox(key="data.series_column").options[0]).run()
    assert_refused(at, ("data.pick_series",))
    assert ws.dataset is loaded and ws.run is baseline.run


def test_a_constant_series_picked_from_a_long_file_is_refused_and_the_first_stays(baseline):
    at, ws = open_page(baseline, "data")
    stocks = rows("date,symbol,price", [f"{d},{s},{v if s == 'A' else 7.0:.1f}" for d, v in monthly(30) for s in "AB"])
    at.file_uploader(key="data.upload").set_value(("stocks.csv", stocks, "text/csv")).run()
    loaded = ws.dataset
    assert loaded.series_name == "A"
    at.selectbox(key="data.series_name").set_value("B").run()
    assert_refused(at, ("data.constant",))
    assert ws.dataset is loaded and ws.run is baseline.run


# -- the same refusals read in Chinese --------------------------------------------------------------

ZH_CASES = ["empty", "header_only", "binary", "constant", "just_over_row_cap", "ragged_line", "json_not_csv",
            "one_line_2_mb"]


@pytest.mark.parametrize("case", [c for c in UPLOADS if c.id in ZH_CASES], ids=lambda c: c.id)
def test_a_refusal_in_chinese(case: Upload, baseline):
    at, ws = open_page(baseline, "data", lang="zh")
    at.file_uploader(key="data.upload").set_value((case.name, case.data(), "text/csv")).run()
    assert_refused(at, case.keys, lang="zh")
    assert_kept(ws, baseline)


def test_the_catalogue_is_big_enough():
    assert len(UPLOADS) + len(MODEL_FILES) + len(SETTINGS) + 3 >= 25
