"""Runs side by side (lstm_viz.workspace.history): what is kept, the bounds, pins, what changed, bytes, gates."""
import numpy as np
import pytest
import torch

from lstm_viz import workspace
from lstm_viz.errors import LensError
from lstm_viz.figures.runs import forecast_overlay_figure, loss_overlay_figure
from lstm_viz.recorder import record
from lstm_viz.workspace import history
from lstm_viz.workspace.store import workspace_bytes


def tiny(ws, **changes):
    return ws.cfg.replace(**{"hidden_size": 2, "epochs": 2, "batch_size": 64, **changes})


@pytest.fixture
def ws():
    ws = workspace.Workspace()
    workspace.load_sample(ws, workspace.DEFAULT_SAMPLE)
    return ws


def numbers(ws):
    return [kept.number for kept in ws.kept_runs.runs]


def test_every_finished_run_is_kept_with_its_settings_scores_and_weights(ws):
    first = workspace.train_to_end(ws, tiny(ws, hidden_size=4))
    second = workspace.train_to_end(ws, tiny(ws, hidden_size=8, epochs=3))
    assert numbers(ws) == [1, 2]
    a, b = ws.kept_runs.runs
    assert (a.run_id, b.run_id) == (first.run_id, second.run_id)
    assert (a.cfg.hidden_size, b.cfg.hidden_size) == (4, 8)
    assert (a.epochs_done, b.epochs_done, a.status) == (2, 3, "done")
    assert np.array_equal(b.train_loss, second.trainer.losses()[1])
    # The test predictions are the model's own (as the live chart makes them) and the scores are theirs.
    live = workspace.live_predictions(second)
    np.testing.assert_allclose(b.test_pred, live.test, rtol=1e-5)
    assert b.scores["test_rmse"] == pytest.approx(np.sqrt(np.mean((b.test_pred - second.split.test_values) ** 2)))
    assert all(np.isfinite(v) for v in b.scores.values())  # the sample has a validation part
    # The weights are a copy: equal now, and not the model's own tensors.
    for name, tensor in second.model.state_dict().items():
        assert torch.equal(b.state_dict[name], tensor)
        assert b.state_dict[name].data_ptr() != tensor.data_ptr()
    assert history.run_name(b) == "Run 2 · LSTM 8 units"
    assert history.run_name(b, "zh") == "第 2 次训练 · LSTM 8 个单元"


def test_a_stopped_run_is_kept_and_one_without_an_epoch_is_not(ws):
    workspace.start_run(ws, tiny(ws, epochs=50))
    while ws.candidate.epochs_done < 1:
        workspace.advance(ws, 0.05)
    workspace.stop_run(ws)
    assert numbers(ws) == [1] and ws.kept_runs.runs[0].status == "stopped"
    workspace.start_run(ws, tiny(ws, epochs=50))
    workspace.stop_run(ws)  # before its first epoch: it leaves no model, so nothing to compare
    assert numbers(ws) == [1]


def test_the_oldest_unpinned_run_leaves_first_and_the_newest_stays(ws):
    ws.kept_runs.max_count = 3
    workspace.train_to_end(ws, tiny(ws, seed=1))
    history.pin(ws, 1)
    for seed in (2, 3, 4, 5):
        workspace.train_to_end(ws, tiny(ws, seed=seed))
    assert numbers(ws) == [1, 4, 5]  # 2 left before 3; pinned 1 stayed
    history.pin(ws, 1, pinned=False)
    workspace.train_to_end(ws, tiny(ws, seed=6))
    assert numbers(ws) == [4, 5, 6]


def test_a_large_model_counts_more_against_the_bytes_bound(ws):
    for seed in (1, 2, 3):
        workspace.train_to_end(ws, tiny(ws, seed=seed))
    small = max(kept.nbytes for kept in ws.kept_runs.runs)
    ws.kept_runs.max_bytes = 4 * small
    workspace.train_to_end(ws, tiny(ws, seed=4))
    assert numbers(ws) == [1, 2, 3, 4]  # four small runs fit
    workspace.train_to_end(ws, tiny(ws, hidden_size=24, seed=5))
    big = ws.kept_runs.runs[-1]
    assert big.nbytes > 2 * small
    assert ws.kept_runs.nbytes <= ws.kept_runs.max_bytes
    assert numbers(ws)[-1] == 5 and len(ws.kept_runs.runs) < 4  # it pushed out several small ones
    assert numbers(ws) == sorted(numbers(ws))  # the oldest went
    # One run larger than the whole bound is still kept: it is the model on the student's pages.
    ws.kept_runs.max_bytes = 1
    workspace.train_to_end(ws, tiny(ws, seed=6))
    assert numbers(ws) == [6]


def test_pins_are_bounded_and_a_refused_pin_changes_nothing(ws):
    ws.kept_runs.max_pinned = 2
    for seed in (1, 2, 3):
        workspace.train_to_end(ws, tiny(ws, seed=seed))
    history.pin(ws, 1)
    history.pin(ws, 2)
    with pytest.raises(LensError) as err:
        history.pin(ws, 3)
    assert err.value.key == "history.pins_full"
    assert [kept.pinned for kept in ws.kept_runs.runs] == [True, True, False]
    history.pin(ws, 1)  # pinning a pinned run again is no new pin


def test_delete_forgets_a_run_and_keeps_the_current_model(ws):
    workspace.train_to_end(ws, tiny(ws, seed=1))
    current = workspace.train_to_end(ws, tiny(ws, seed=2))
    history.pin(ws, 2)
    history.delete(ws, 2)
    assert numbers(ws) == [1] and ws.run is current
    with pytest.raises(LensError) as err:
        ws.kept_runs.get(2)
    assert err.value.key == "history.gone"
    workspace.train_to_end(ws, tiny(ws, seed=3))
    assert numbers(ws) == [1, 3]  # numbers are never reused


def test_what_changed_lists_exactly_the_settings_that_differ(ws):
    workspace.train_to_end(ws, tiny(ws, hidden_size=4))
    workspace.train_to_end(ws, tiny(ws, hidden_size=8))
    workspace.train_to_end(ws, tiny(ws, hidden_size=8, lr=0.05, max_snapshots=5))
    runs = ws.kept_runs.runs
    assert history.what_changed(runs[:2]) == [history.Change("hidden_size", (4, 8))]
    assert history.what_changed(runs) == [history.Change("hidden_size", (4, 8, 8)),
                                          history.Change("lr", (0.01, 0.01, 0.05))]
    assert history.what_changed(runs[:1]) == []
    workspace.set_split(ws, ws.dataset.test_size - 2, ws.dataset.horizon)
    workspace.train_to_end(ws, tiny(ws, hidden_size=4, lr=0.01))
    assert [c.name for c in history.what_changed([runs[0], ws.kept_runs.runs[-1]])] == ["test_size"]


def test_the_store_counts_the_kept_weights_once_and_the_shared_split_not_again(ws):
    workspace.train_to_end(ws, tiny(ws, hidden_size=16))
    kept = ws.kept_runs.runs[0]
    with_history = workspace_bytes(ws)
    history.delete(ws, kept.number)
    without = workspace_bytes(ws)
    # What only the record holds: the cloned weights, the curves and the predictions
    # (its split and data set are the current model's, already counted).
    owned = sum(t.untyped_storage().nbytes() for t in kept.state_dict.values()) + sum(
        a.nbytes for a in (kept.epochs, kept.train_loss, kept.val_loss, kept.val_pred, kept.test_pred))
    assert with_history - without == owned
    assert owned > 4 * 16 * (16 + 1) * 4  # the weights are in it (w_hh alone is 4H × H floats)


def test_another_runs_gates_are_the_recorder_on_that_runs_weights(ws):
    first = workspace.train_to_end(ws, tiny(ws, hidden_size=4, window=10))
    workspace.train_to_end(ws, tiny(ws, hidden_size=8))
    kept = ws.kept_runs.of(first.run_id)
    k = 3
    view = workspace.gate_trace(ws, k, run=kept)
    x = np.ascontiguousarray(first.split.X_test[:, k], np.float32)
    expected = record(first.model.core, x)
    for name in ("i", "f", "g", "o", "c", "h"):
        np.testing.assert_array_equal(view.trace.layer(-1)[name], expected.layer(-1)[name])
    # And those are the real LSTM's: its last h is what nn.LSTM returns for the window.
    with torch.no_grad():
        out, _ = first.model.core(torch.from_numpy(x)[:, None])
    np.testing.assert_allclose(view.trace.layer(-1)["h"][-1], out[-1, 0].numpy(), atol=1e-5)
    with torch.no_grad():  # the kept model computes what the run's own model does
        np.testing.assert_array_equal(kept.model(torch.from_numpy(x)[:, None]).numpy(),
                                      first.model(torch.from_numpy(x)[:, None]).numpy())
    assert view.trace.layer(-1)["h"].shape == (10, 4)  # its own window and units, not the current model's
    # The current model's gates on the same window would differ: the comparison is not the same picture twice.
    assert not np.allclose(workspace.gate_trace(ws, k).trace.layer(-1)["h"][-1, :4], view.trace.layer(-1)["h"][-1])


def test_file_stems_name_the_run(ws):
    run = workspace.train_to_end(ws, tiny(ws, hidden_size=4))
    assert history.file_stem(ws, run).endswith("_run1_lstm4")
    workspace.start_run(ws, tiny(ws, hidden_size=8, epochs=50))
    assert history.file_stem(ws, ws.candidate).endswith("_run2_lstm8")  # the number it will get
    workspace.stop_run(ws)


def test_overlay_figures_have_every_runs_curves(ws):
    for hidden in (4, 8):
        workspace.train_to_end(ws, tiny(ws, hidden_size=hidden))
    runs = ws.kept_runs.runs
    names = [history.run_name(kept) for kept in runs]
    fig = loss_overlay_figure([(n, k.epochs, k.train_loss, k.val_loss) for n, k in zip(names, runs)])
    assert [trace.name for trace in fig.data] == [f"{names[0]}: training", f"{names[0]}: validation",
                                                  f"{names[1]}: training", f"{names[1]}: validation"]
    np.testing.assert_allclose(np.asarray(fig.data[2].y, np.float64), runs[1].train_loss, rtol=1e-6)
    split = runs[0].split
    fig = forecast_overlay_figure(None, split.values, split.n_train, [(n, k.test_pred) for n, k in zip(names, runs)])
    assert [trace.name for trace in fig.data][1:] == names
    np.testing.assert_allclose(np.asarray(fig.data[2].y, np.float64), runs[1].test_pred, rtol=1e-6)


def test_settings_are_worded_as_the_train_page_words_them():
    assert history.setting_text("lr", 0.005) == "0.005" and history.setting_text("cell", "gru") == "GRU"
    assert history.setting_text("transform", "log", "zh") != history.setting_text("transform", "log", "en")
    assert history.setting_text("dropout", 0.25) == "0.250" and history.setting_text("hidden_size", 32) == "32"
