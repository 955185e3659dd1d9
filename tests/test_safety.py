"""Files and text from students are data, never code, paths or HTML.

Static audits of the source (they guard the code still to be written too) and
runtime checks through the pages:

- model files are read only by ``torch.load(..., weights_only=True)``; nothing
  unpickles, evals or ``allow_pickle``-loads what a student uploads, and a
  malicious model file is refused without running its payload;
- an upload's file name never becomes a path: no page opens, writes or builds
  a path from it (checked in the source, and at runtime by watching every file
  the process opens while a page reads an upload);
- no student text is rendered as raw HTML: every ``unsafe_allow_html=True``,
  ``st.html`` or ``components.html`` call passes constants only, and a file whose
  column, series and file names are HTML shows them as text on every page;
- the server config keeps the upload cap and hides tracebacks from students.
"""
from __future__ import annotations

import ast
import builtins
import io
import os
import re
import tomllib
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from lstm_viz import model_file
from lstm_viz import workspace
from lstm_viz.data import MAX_BYTES
from lstm_viz.errors import LensError
from pages.ui.nav import PAGES
from tests.app_session import fresh

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE_SOURCES = [APP, *sorted((ROOT / "pages").rglob("*.py"))]
ENGINE_SOURCES = sorted((ROOT / "lstm_viz").rglob("*.py"))
HTML = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"


def calls(paths):
    """Yield (path, call node) for every call in ``paths``."""
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call):
                yield path, node


def name_of(func: ast.AST) -> str:
    """Return the dotted name of a called function (``st.markdown``, ``torch.load`` …), or ''."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def module_constants(path: Path) -> set[str]:
    """Names bound at module level to a literal string (or a tuple/f-string of literals)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Constant):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return found


# -- model files: weights only, nothing unpickled ------------------------------------------------------


def test_torch_load_is_only_ever_called_with_weights_only_true():
    loads = [(path, node) for path, node in calls(PAGE_SOURCES + ENGINE_SOURCES) if name_of(node.func) == "torch.load"]
    assert loads, "the model loader was not found"
    for path, node in loads:
        flags = {k.arg: k.value for k in node.keywords}
        assert isinstance(flags.get("weights_only"), ast.Constant) and flags["weights_only"].value is True, \
            f"{where(path, node)}: torch.load without weights_only=True"
    assert {path.name for path, _ in loads} == {"model_file.py"}, "one reader of model files, in lstm_viz/model_file.py"


def test_nothing_unpickles_evals_or_loads_pickled_numpy():
    risky = {"pickle.load", "pickle.loads", "pickle.Unpickler", "dill.load", "joblib.load", "eval", "exec",
             "marshal.loads", "shelve.open", "yaml.load", "yaml.unsafe_load"}
    for path, node in calls(PAGE_SOURCES + ENGINE_SOURCES):
        name = name_of(node.func)
        assert name not in risky, f"{where(path, node)}: {name}"
        if name in ("np.load", "numpy.load"):
            flags = {k.arg: k.value for k in node.keywords}
            assert not (isinstance(flags.get("allow_pickle"), ast.Constant) and flags["allow_pickle"].value), \
                f"{where(path, node)}: np.load(allow_pickle=True)"


def test_the_downloads_page_loads_models_only_through_the_safe_reader():
    source = (ROOT / "pages" / "downloads.py").read_text(encoding="utf-8")
    assert "load_model_file(" in source
    assert "torch.load" not in source and "pickle" not in source


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_model_file_with_code_in_it_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "ran"
    buffer = io.BytesIO()
    torch.save({"format": model_file.MODEL_FORMAT, "version": model_file.MODEL_VERSION, "x": _Payload(marker)}, buffer)
    with pytest.raises(LensError) as refused:
        model_file.load_model(buffer.getvalue())
    assert refused.value.key == "export.unsafe" and "system" in str(refused.value)
    assert not marker.exists()


# -- file names never become paths -----------------------------------------------------------------------

PATH_CALLS = {"open", "io.open", "os.open", "Path", "pathlib.Path", "os.path.join", "shutil.copy", "shutil.move",
              "os.remove", "os.unlink", "os.rename", "os.makedirs", "os.mkdir", "tempfile.NamedTemporaryFile"}


def test_no_page_builds_a_path_or_opens_a_file():
    for path, node in calls(PAGE_SOURCES):
        name = name_of(node.func)
        if name in PATH_CALLS or name.endswith((".to_csv", ".savez", ".write_bytes", ".write_text", ".open")):
            # The router's own folder is the one path a page may build.
            args = [ast.unparse(a) for a in node.args]
            assert args and all("__file__" in a or a in {"PAGES_DIR", "page_path"} for a in args), \
                f"{where(path, node)}: {ast.unparse(node)}"


def test_uploaded_names_are_passed_only_as_labels():
    """Every ``<upload>.name`` in a page goes to a function of the workspace (a label), nowhere else."""
    for path in PAGE_SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        uploads = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                   and isinstance(node.value, ast.Call) and name_of(node.value.func).endswith("file_uploader")
                   for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Attribute) and arg.attr == "name" and isinstance(arg.value, ast.Name) \
                        and arg.value.id in uploads:
                    assert name_of(node.func).startswith(("workspace.", "workspace.")), \
                        f"{where(path, node)}: an uploaded file's name goes to {name_of(node.func)}"


def test_reading_an_upload_touches_no_file_named_after_it(monkeypatch):
    """Watch every open() while the Data page reads an upload whose name is a path."""
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def watch_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def watch_os_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_os_open(file, *args, **kwargs)

    at = fresh()
    at.switch_page("pages/data.py").run()
    name = "../../../tmp/lens_marker_passwd.csv"
    monkeypatch.setattr(builtins, "open", watch_open)
    monkeypatch.setattr(io, "open", watch_open)
    monkeypatch.setattr(os, "open", watch_os_open)
    at.file_uploader(key="data.upload").set_value((name, b"month,sales\n" + b"2020-01,1\n" * 3, "text/csv")).run()
    monkeypatch.undo()
    assert not at.exception and at.error
    assert not [p for p in opened if "lens_marker" in p], opened
    assert not Path("/tmp/lens_marker_passwd.csv").exists()


# -- no student text as raw HTML -----------------------------------------------------------------------------


def test_every_raw_html_call_site_passes_constants_only():
    for path, node in calls(PAGE_SOURCES):
        name = name_of(node.func)
        flags = {k.arg: k.value for k in node.keywords}
        unsafe = isinstance(flags.get("unsafe_allow_html"), ast.Constant) and flags["unsafe_allow_html"].value
        raw = name.endswith((".html", "html")) and name.split(".")[-1] == "html"
        if not (unsafe or raw):
            continue
        constants = module_constants(path)
        for arg in [*node.args, *(v for k, v in flags.items() if k in ("body", "html"))]:
            ok = (isinstance(arg, ast.Constant) and isinstance(arg.value, str)) or (
                isinstance(arg, ast.Name) and arg.id in constants)
            assert ok, f"{where(path, node)}: {name} renders {ast.unparse(arg)} as HTML"


def _no_raw_html(at: AppTest, where: str) -> None:
    kinds = ("markdown", "caption", "title", "header", "subheader", "success", "info", "warning", "error", "text")
    for kind in kinds:
        for element in at.get(kind):
            text = str(element.value)
            assert not re.search(r"(?<!\\)<(img|script)", text), f"{where}: raw HTML in a {kind}: {text[:200]!r}"
    for chart in at.get("plotly_chart"):
        assert "<img" not in chart.proto.spec and "<script" not in chart.proto.spec, f"{where}: HTML in a chart"


def shown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_html_in_names_is_shown_as_text_on_every_page():
    """A long-format file whose value column, series name and file name are HTML, trained and shown everywhere."""
    lines = [f"date,name,{HTML}"]
    for k in range(48):
        day = f"{2016 + k // 12}-{k % 12 + 1:02d}-01"
        lines += [f"{day},{SCRIPT},{100 + k + (k % 12) * 3}", f"{day},plain,{50 + k}"]
    data = ("\n".join(lines) + "\n").encode()
    at = fresh()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="data.upload").set_value((f"{SCRIPT}.csv", data, "text/csv")).run()
    assert not at.exception
    ws = at.session_state["ws"]
    assert ws.dataset is not None and ws.dataset.target == HTML and ws.dataset.series_name == SCRIPT
    assert any(SCRIPT in shown(s.value) for s in at.success), "the series name is shown, as text"
    assert SCRIPT in at.selectbox(key="data.series_name").options
    _no_raw_html(at, "data")
    workspace.train_to_end(ws, workspace.recommended_config(ws.dataset).replace(hidden_size=4, epochs=2))
    for spec in PAGES:
        at.switch_page(f"pages/{spec.file}").run()
        assert not at.exception, spec.file
        _no_raw_html(at, spec.file)
    assert any(SCRIPT in shown(c.value) for c in at.sidebar.caption), "the sidebar names the data set as text"


def test_an_error_naming_an_html_file_shows_the_name_as_text():
    at = fresh()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="data.upload").set_value((f"{HTML}.csv", b"", "text/csv")).run()
    assert not at.exception and at.error
    assert HTML in shown(at.error[0].value)
    _no_raw_html(at, "data error")


# -- the server config -------------------------------------------------------------------------------------


def test_the_server_config_caps_uploads_and_hides_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server, client = config.get("server", {}), config.get("client", {})
    assert server.get("maxUploadSize", 200) * 2**20 <= MAX_BYTES, "the upload cap is no larger than the reader's"
    assert client.get("showErrorDetails") in ("none", False), "students never see a traceback"
    assert server.get("enableXsrfProtection", True) and server.get("enableCORS", True)
