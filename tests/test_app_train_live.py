"""The Train page while a run trains: Stop keeps the epoch on the page, notices for settings and failures."""
from __future__ import annotations


import numpy as np
import torch
from streamlit.testing.v1 import AppTest

from lstm_viz import workspace
from lstm_viz.data import series as series_module
from lstm_viz.i18n import tr
from lstm_viz.numbers import format_number
from lstm_viz.training import Trainer
from lstm_viz.workspace import runs
from pages.ui.charts import SHOWN_EPOCH_KEY
from tests.app_session import fresh, tiny_settings, trained_session, until, wait_until_trained



def texts(at: AppTest, kind: str) -> list[str]:
    return [box.value for box in getattr(at, kind)]


def long_run(at: AppTest) -> workspace.Workspace:
    """On the Train page: press Train for a long run and wait for a few epochs."""
    tiny_settings(at, epochs=5000)
    at.button(key="train.go").click().run()
    ws = at.session_state["ws"]
    assert until(lambda: ws.candidate is not None and ws.candidate.epochs_done >= 3)
    return ws


def test_stop_keeps_the_epoch_the_page_showed_and_says_so():
    at = fresh()
    at.button(key="home.start").click().run()
    ws = long_run(at)
    at.run()  # a redraw: the page now shows some epoch …
    shown = at.session_state[SHOWN_EPOCH_KEY][1]  # the epoch the live view drew
    label = tr("page.train.m.epoch_of", "en", epochs=format_number(ws.candidate.cfg.epochs))
    metric = next(m.value for m in at.metric if m.label == label)
    assert metric == format_number(shown) and shown >= 3
    run = ws.candidate
    assert until(lambda: run.epochs_done >= shown + 5)  # … while the run goes on
    at.button(key="train.stop").click().run()
    assert not at.exception and not ws.training
    assert ws.run is run and run.epochs_done == shown and run.status == "stopped"
    assert any(f"kept the model of epoch {shown}" in text for text in texts(at, "success"))


def test_the_sidebar_leaves_the_epoch_to_the_train_page_and_shows_it_elsewhere():
    at = fresh()
    at.button(key="home.start").click().run()
    ws = long_run(at)
    at.run()
    captions = [c.value for c in at.sidebar.caption]
    assert "Training: follow it live on this page." in captions
    assert not any(c.startswith("Training: epoch") for c in captions)
    at.switch_page("pages/gates.py").run()
    assert any(p.proto.text.startswith("Training: epoch") for p in at.sidebar.get("progress"))
    at.switch_page("pages/train.py").run()
    at.button(key="train.stop").click().run()
    assert not ws.training


def test_changing_a_setting_mid_run_says_it_applies_to_the_next_run():
    at = fresh()
    at.button(key="home.start").click().run()
    ws = long_run(at)
    assert not any("next run" in text for text in texts(at, "info"))
    at.number_input(key="train.hidden_size").set_value(8).run()
    assert any("apply to the next run" in text for text in texts(at, "info"))
    assert ws.candidate.cfg.hidden_size == 4  # the run in flight keeps its settings
    at.button(key="train.stop").click().run()
    assert not any("next run" in text for text in texts(at, "info"))


def test_a_run_that_fails_in_its_first_epoch_leaves_a_message_not_the_old_status(monkeypatch):
    at = trained_session()
    ws = at.session_state["ws"]
    old = ws.run

    class Exploding(Trainer):  # as data that overflow in scaling do: every loss is infinite
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            with torch.no_grad():
                self.model.head.weight.fill_(float("inf"))

    monkeypatch.setattr(runs, "Trainer", Exploding)
    at.button(key="train.go").click().run()
    wait_until_trained(at)
    assert not at.exception and ws.run is old
    errors = texts(at, "error")
    assert any("failed in its first epoch" in text and "learning rate" in text for text in errors), errors
    assert "The model shown below is still your previous one." in [c.value for c in at.caption]


def test_data_that_overflow_are_refused_on_the_train_page_in_both_languages(monkeypatch):
    # Data that pass the reader's checks (here switched off: tests/test_live_runs.py shows it refuses
    # these values first) and still overflow once scaled.
    monkeypatch.setattr(series_module, "MAX_SPREAD_RATIO", float("inf"))
    at = trained_session()
    ws = at.session_state["ws"]
    old = ws.run
    values = np.r_[np.linspace(1.0, 50.0, 40), np.full(12, 1e99)]
    csv = "t,y\n" + "\n".join(f"{k},{v:.6g}" for k, v in enumerate(values))
    workspace.load_upload(ws, csv.encode(), "huge.csv")
    ws.dataset.test_size = 12
    at.run()
    at.button(key="train.go").click().run()
    assert not at.exception and ws.run is old and not ws.training
    assert any("becomes infinite when the series is scaled" in text for text in texts(at, "error"))
    at.segmented_control(key="lang").set_value("zh").run()
    at.button(key="train.go").click().run()
    assert any("无穷大" in text for text in texts(at, "error"))
    at.segmented_control(key="lang").set_value("en").run()


def test_early_stopping_set_on_the_train_page_keeps_the_best_validation_epoch():
    at = fresh()
    at.button(key="home.start").click().run()
    tiny_settings(at, epochs=300)
    at.number_input(key="train.patience").set_value(1).run()
    at.button(key="train.go").click().run()
    wait_until_trained(at, seconds=120)
    run = at.session_state["ws"].run
    assert not at.exception and run.status == "early" and run.epochs_done == run.trainer.best_epoch < 300
    key, params = run.trainer.status_message()
    assert tr(key, "en", **params) in texts(at, "success")


def test_early_stopping_without_a_validation_part_is_said_to_do_nothing():
    at = fresh()
    at.button(key="home.start").click().run()
    ws = at.session_state["ws"]
    note = tr("page.train.patience.no_val", "en")
    at.number_input(key="train.patience").set_value(5).run()
    assert note not in texts(at, "info")  # the airline sample has a validation part
    workspace.set_split(ws, ws.dataset.test_size, ws.dataset.horizon, 0)
    at.run()
    assert note in texts(at, "info")
