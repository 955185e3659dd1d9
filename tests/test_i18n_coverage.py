"""Every word on screen exists in English and Simplified Chinese, and no page ever shows a bare key.

Two nets:

- a static scan of ``app.py``, ``pages/`` and ``lstm_viz/`` for the message
  keys handed to ``t(…)``, ``tr(…)``, ``flash(kind, …)`` and ``LensError(…)``:
  every literal key must exist in both tables, every f-string key
  (``t(f"page.gates.explain.{name}")``) must match at least one key, and a
  literal key called with keyword arguments must be given every
  ``{placeholder}`` its English text needs (a missing one would show as
  ``{name}`` on screen);
- every page rendered in 中文 (empty session, then with data and a trained
  model) through AppTest: no exception, no text that is a raw key such as
  ``page.train.lr``, no unfilled ``{placeholder}``, and Chinese on screen.
  (``tests/test_i18n.py`` checks that the two tables hold the same keys.)
"""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lstm_viz import workspace
from lstm_viz.i18n import TABLES
from pages.ui.nav import PAGES
from pages.ui.state import md_escape
from tests.app_session import fresh

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
SOURCES = [APP, *sorted((ROOT / "pages").rglob("*.py")), *sorted((ROOT / "lstm_viz").rglob("*.py"))]
RAW_KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
AREAS = ("page", "nav", "sidebar", "ws", "data", "export", "config", "training", "windows", "forecast", "fig",
         "metrics", "sample", "samples", "teach", "recorder")
EMBEDDED_KEY = re.compile(r"(?<![\w./])(?:%s)\.[a-z0-9_]+\.[a-z0-9_.]*[a-z0-9_]" % "|".join(AREAS))
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*(?:[:!][^{}]*)?\}")

# Which positional argument of each call holds the message key.
KEY_ARG = {"t": 0, "tr": 0, "LensError": 0, "flash": 1}


def _called(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return name if name in KEY_ARG else None


def key_uses():
    """Yield (where, call name, key node, keyword names or None if **kwargs) for every keyed call."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or (name := _called(node)) is None:
                continue
            position = KEY_ARG[name]
            key = next((k.value for k in node.keywords if k.arg == "key"), None)
            if key is None and len(node.args) > position:
                key = node.args[position]
            if key is None:
                continue
            splat = any(k.arg is None for k in node.keywords)
            names = None if splat else {k.arg for k in node.keywords if k.arg not in ("key", "lang")}
            yield f"{path.relative_to(ROOT)}:{node.lineno}", name, key, names


def literal_keys():
    return [(where, name, key.value, names) for where, name, key, names in key_uses()
            if isinstance(key, ast.Constant) and isinstance(key.value, str)]


def test_the_scan_finds_the_keys_the_app_uses():
    found = {key for _, _, key, _ in literal_keys()}
    assert len(found) > 200
    assert {"page.train.train", "data.empty", "config.budget", "export.unsafe"} <= found


def test_every_literal_key_exists_in_both_languages():
    missing = sorted({(where, key, lang) for where, _, key, _ in literal_keys()
                      for lang in ("en", "zh") if key not in TABLES[lang]})
    assert missing == []


def test_every_f_string_key_matches_some_key():
    unmatched = []
    for where, name, key, _ in key_uses():
        if not isinstance(key, ast.JoinedStr):
            continue
        pattern = "".join(re.escape(part.value) if isinstance(part, ast.Constant) else r"[A-Za-z0-9_.\-]+"
                          for part in key.values)
        if not any(re.fullmatch(pattern, k) for k in TABLES["en"]):
            unmatched.append((where, ast.unparse(key)))
    assert unmatched == []


def test_every_placeholder_is_given():
    """A literal key called with keyword arguments gets every {placeholder} its text needs, in both languages."""
    missing = []
    for where, name, key, names in literal_keys():
        if names is None or key not in TABLES["en"]:
            continue
        for lang in ("en", "zh"):
            # "%{x}" is a Plotly hover template, filled by the browser, not by tr().
            text = re.sub(r"%\{[^{}]*\}", "", TABLES[lang][key])
            needed = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            if needed - names:
                missing.append((where, key, lang, sorted(needed - names)))
    assert missing == []


# -- every page in Chinese --------------------------------------------------------------------------------


def texts(node) -> list[str]:
    """Every string a reader sees under ``node``: values, labels, help texts, options, captions."""
    out: list[str] = []
    for attr in ("value", "label", "help", "body", "placeholder", "caption", "options", "text"):
        try:
            value = getattr(node, attr)
        except Exception:  # noqa: BLE001 - some element properties only exist for some element types
            continue
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out.extend(v for v in value if isinstance(v, str))
    for child in getattr(node, "children", {}).values():
        out.extend(texts(child))
    return out


def check_page(at: AppTest, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])
    # A style sheet (st.html with only <style>) is not text a reader sees, and CSS is full of braces.
    seen = [s.strip() for s in texts(at._tree) if s and s.strip() and not s.lstrip().startswith("<style")]
    raw = sorted({s for s in seen if RAW_KEY.fullmatch(s)} | {m for s in seen for m in EMBEDDED_KEY.findall(s)})
    assert raw == [], f"{where}: raw keys on screen: {raw}"
    unfilled = sorted({m for s in seen if "\\" not in s for m in PLACEHOLDER.findall(s)})
    assert unfilled == [], f"{where}: unfilled placeholders: {unfilled}"
    assert any(re.search(r"[\u4e00-\u9fff]", s) for s in seen), f"{where}: no Chinese on the page"


PAGE_FILES = [f"pages/{spec.file}" for spec in PAGES]


@pytest.fixture(scope="module")
def chinese() -> AppTest:
    at = fresh()
    at.segmented_control(key="lang").set_value("zh").run()
    assert not at.exception
    return at


def test_every_page_in_chinese_with_nothing_loaded(chinese):
    at = chinese
    for page in PAGE_FILES:
        at.switch_page(page).run()
        check_page(at, f"{page} (empty)")


def test_every_page_in_chinese_with_data_and_a_model(chinese):
    at = chinese
    ws = at.session_state["ws"]
    workspace.load_sample(ws, "airline")
    workspace.train_to_end(ws, workspace.recommended_config(ws.dataset).replace(hidden_size=4, epochs=3))
    for page in PAGE_FILES:
        at.switch_page(page).run()
        check_page(at, f"{page} (trained)")
    # The sidebar names the trained model in Chinese: the whole summary sentence, not a word that the
    # "no model yet" sentence contains too.
    key, params = workspace.model_summary(ws)
    assert key != "ws.model.none"
    done = TABLES["zh"][key].format(**{**params, "data": md_escape(params["data"])})
    assert done in texts(at.sidebar)


def test_the_language_survives_the_home_button():
    """中文 → the Home page's start button (it calls st.switch_page) → the Train page is still in Chinese.

    Sidebar navigation keeps the language; the in-script page switch does not (seen in a real browser
    too: the switch still shows 简体中文 selected while the Train page is drawn in English).
    """
    at = fresh()
    at.segmented_control(key="lang").set_value("zh").run()
    at.button(key="home.start").click().run()
    assert not at.exception
    assert at.session_state["lang"] == "zh", "the language switched back to English"
    assert at.title and at.title[0].value == TABLES["zh"]["page.train.title"]
    check_page(at, "pages/train.py after the home button")
