"""Lesson links (lstm_viz/lesson.py): a setup survives the round trip; every tampered field falls back, saying so."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import pytest

from lstm_viz import lesson
from lstm_viz import workspace
from lstm_viz.config import LIMITS
from lstm_viz.errors import LensError
from lstm_viz.i18n import tr
from lstm_viz.samples import SAMPLES
from lstm_viz.workspace import store

TEACHER = {"sample": "sunspots", "test_size": 30, "val_size": 20, "horizon": 7, "transform": "none", "diff": 1,
           "hidden_size": 8, "num_layers": 2, "dropout": 0.15, "window": 15, "epochs": 40, "lr": 0.005,
           "batch_size": 16, "seed": 7, "patience": 4}
LRS = [0.0001, 0.001, 0.005, 0.01, 0.1]
BATCHES = [8, 16, 32, 64]
CHOICES = {"lr": LRS, "batch_size": BATCHES}
LIMITS_UI = {"window": (2, 128)}


def through_url(lesson_values: dict) -> dict:
    """The query dict a browser hands back for a link with these values (text, one list per name)."""
    return parse_qs(urlencode(lesson.to_query(lesson_values)), keep_blank_values=True)


def test_a_setup_survives_the_round_trip_through_a_url():
    parsed, notes = lesson.parse_query(through_url(TEACHER), limits=LIMITS_UI, choices=CHOICES)
    assert notes == [] and parsed == TEACHER
    assert all(type(parsed[name]) is type(TEACHER[name]) for name in TEACHER)


def test_a_lesson_link_never_carries_a_session_token():
    query = lesson.to_query({**TEACHER, store.TOKEN_PARAM: "x" * 32})
    assert store.TOKEN_PARAM not in query and lesson.is_lesson(query)
    assert not lesson.is_lesson({store.TOKEN_PARAM: "x" * 32})


def test_from_setup_reads_what_the_teacher_set_and_apply_gives_every_student_exactly_that():
    teacher = workspace.Workspace()
    workspace.load_sample(teacher, "sunspots")
    workspace.set_split(teacher, 30, 7, 20)
    cfg = workspace.recommended_config(teacher.dataset).replace(**{k: TEACHER[k] for k in (*lesson.SETTINGS, "transform", "diff")})
    values = lesson.from_setup(teacher.dataset, cfg)
    assert values == TEACHER
    parsed, notes = lesson.parse_query(through_url(values), limits=LIMITS_UI, choices=CHOICES)
    student = workspace.Workspace()
    assert notes == [] and lesson.apply(student, parsed) == []
    assert (student.dataset.name, student.dataset.test_size, student.dataset.val_size,
            student.dataset.horizon) == ("sunspots", 30, 20, 7)
    assert student.cfg == cfg and student.dataset.window == 15  # the Train page starts from the lesson's window
    run = workspace.train_to_end(student, student.cfg.replace(epochs=1))  # ready to press Train
    assert run.epochs_done == 1


def test_an_upload_or_a_sample_read_with_other_columns_cannot_become_a_link():
    ws = workspace.Workspace()
    workspace.load_upload(ws, b"t,v\n" + b"".join(b"%d,%d\n" % (k, k % 7) for k in range(60)), "mine.csv")
    with pytest.raises(LensError) as info:
        lesson.from_setup(ws.dataset, ws.cfg)
    assert info.value.key == "ws.lesson.not_sample"
    workspace.load_sample(ws, "stocks_long")
    workspace.choose_columns(ws, "price", ws.dataset.time_column, "symbol", "AAPL")
    with pytest.raises(LensError):
        lesson.from_setup(ws.dataset, ws.cfg)


TAMPERED = {
    "sample": ["nope", "../etc/passwd", "AIRLINE", ""],
    "test_size": ["0", "-5", "1.5", "twelve", "1e3", ""],
    "horizon": ["0", "1001", "x"],
    "hidden_size": ["0", "513", "8.0", "1" * 60, "nan"],
    "num_layers": ["0", "5"],
    "dropout": ["-0.1", "0.95", "nan", "inf", "1e309"],
    "window": ["1", "129", "512"],  # 129 … 512 are inside LIMITS but beyond the Train page's slider
    "epochs": ["0", "5001", "100000000000000000000000"],
    "lr": ["0", "2", "0.003", "-inf"],  # 0.003 is in range but not among the page's learning rates
    "batch_size": ["0", "33", "4097"],
    "seed": ["-1", str(2**31)],
}


@pytest.mark.parametrize("name,raw", [(name, raw) for name, raws in TAMPERED.items() for raw in raws])
def test_every_tampered_field_falls_back_to_its_default_with_a_message(name, raw):
    query = {**lesson.to_query(TEACHER), name: raw}
    parsed, notes = lesson.parse_query(query, limits=LIMITS_UI, choices=CHOICES)
    assert name not in parsed and {k: v for k, v in TEACHER.items() if k != name} == parsed
    assert [note.key for note in notes] == ["ws.lesson.field"] and notes[0].params["name"] == name
    assert len(notes[0].params["value"]) <= lesson.MAX_TEXT + 1
    for lang in ("en", "zh"):
        assert name in notes[0].message(lang)
    ws = workspace.Workspace()
    assert lesson.apply(ws, parsed) == []
    default = workspace.Workspace()
    lesson.apply(default, {k: v for k, v in TEACHER.items() if k != name})
    assert ws.cfg == default.cfg and ws.dataset.test_size == default.dataset.test_size


def test_a_name_given_twice_and_unknown_names_get_messages():
    query = {**through_url(TEACHER), "hidden_size": ["8", "512"], "evil": ["1"], store.TOKEN_PARAM: ["y" * 32]}
    parsed, notes = lesson.parse_query(query, limits=LIMITS_UI, choices=CHOICES)
    assert "hidden_size" not in parsed and parsed["epochs"] == 40
    assert [note.key for note in notes] == ["ws.lesson.field", "ws.lesson.unknown"]
    assert notes[1].params["names"] == "evil"  # the token beside a lesson is not "unknown": it is ignored


def test_values_that_do_not_fit_the_sample_fall_back_to_its_own():
    ws = workspace.Workspace()
    notes = lesson.apply(ws, {"sample": "airline", "test_size": 140, "window": 100})
    assert [note.key for note in notes] == ["ws.lesson.test_size"]
    assert ws.dataset.test_size == SAMPLES["airline"].test_size and ws.cfg.window == 100
    ws = workspace.Workspace()
    notes = lesson.apply(ws, {"sample": "airline", "test_size": 120, "window": 100})
    assert [note.key for note in notes] == ["ws.lesson.window"] and ws.dataset.test_size == 120
    assert ws.cfg.window == ws.dataset.window <= ws.dataset.n_points - workspace.min_points(0, 120)
    workspace.train_to_end(ws, ws.cfg.replace(epochs=1))


def test_a_lesson_over_the_compute_budget_falls_back_to_the_recommended_settings():
    ws = workspace.Workspace()
    notes = lesson.apply(ws, {"sample": "seattle", "hidden_size": int(LIMITS["hidden_size"][1]), "num_layers": 4,
                              "epochs": 5000, "batch_size": 1})
    assert [note.key for note in notes] == ["ws.lesson.budget"]
    assert ws.cfg == workspace.recommended_config(ws.dataset)
    for lang in ("en", "zh"):
        assert tr("ws.lesson.budget", lang)


def test_an_empty_or_hostile_query_never_raises():
    for query in ({}, {"lesson": "1"}, {"lesson": ["1", "2"]}, {"lesson": "1", "sample": ["a"] * 1000},
                  {"lesson": "1", **{f"k{n}": "v" for n in range(500)}}, {"lesson": "1", "seed": None}):
        parsed, notes = lesson.parse_query(query)
        ws = workspace.Workspace()
        notes += lesson.apply(ws, parsed)
        assert ws.dataset.name == workspace.DEFAULT_SAMPLE
        assert all(isinstance(note, LensError) and len(note.message("en")) < 1000 for note in notes)


def test_a_differencing_lag_the_train_page_does_not_offer_falls_back_with_a_note():
    student = workspace.Workspace()
    notes = lesson.apply(student, {"sample": "airline", "diff": 7})  # airline offers 0, 1 and its season, 12
    assert [(n.key, n.params["name"]) for n in notes] == [("ws.lesson.field", "diff")]
    assert student.cfg.diff == workspace.recommended_config(student.dataset).diff


def test_a_transform_the_sample_cannot_take_falls_back_with_its_own_reason():
    student = workspace.Workspace()
    notes = lesson.apply(student, {"sample": "sunspots", "transform": "log"})  # sunspots has years with 0
    assert [n.key for n in notes] != ["ws.lesson.budget"] and notes
    assert student.cfg.transform == workspace.recommended_config(student.dataset).transform
