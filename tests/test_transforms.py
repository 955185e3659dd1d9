"""Log / Box-Cox and differencing: what the model reads, and its outputs back in values."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.forecast import fitted_values, one_step_test, recursive_test, rollout
from lstm_viz.models import build_model
from lstm_viz.forecast import predict_scaled, rollout_scaled
from lstm_viz.training import Trainer
from lstm_viz.transforms import Transform, fit_transform, suggest_transform
from lstm_viz.windows import split_series


def growing(n: int = 72) -> np.ndarray:
    t = np.arange(n)
    return (100.0 + 3.0 * t) * (1.0 + 0.2 * np.sin(2 * np.pi * t / 12))


@pytest.mark.parametrize("kind, lag", [("none", 0), ("log", 1), ("none", 12), ("boxcox", 12), ("log", 0)])
def test_model_series_and_back_by_hand(kind, lag):
    x = growing()
    split = split_series(x, window=6, test_size=12, val_size=6, transform=kind, diff=lag)
    tf = split.transform
    u = {"none": x, "log": np.log(x)}.get(kind)
    if kind == "boxcox":
        assert tf.lam != 1.0
        u = np.log(x) if tf.lam == 0 else (x**tf.lam - 1) / tf.lam
    d = u.copy() if not lag else np.r_[np.zeros(lag), u[lag:] - u[:-lag]]
    np.testing.assert_allclose(split.scaler.inverse(split.scaled), d, atol=1e-5 * max(1, np.abs(d).max()))
    # the scaler saw only the training part (no padded differences): min-max maps it onto [-1, 1]
    fit = split.scaled[lag: split.n_fit]
    assert fit.min() == pytest.approx(-1.0, abs=1e-6) and fit.max() == pytest.approx(1.0, abs=1e-6)
    assert split.X_fit.shape[1] == split.n_fit - 6 - lag  # windows reading padded differences are not learned from
    model = build_model(Config(hidden_size=4, window=6, seed=1))
    z = predict_scaled(model, split.X_test)
    d_hat = split.scaler.inverse(z)
    t = split.n_train + np.arange(12)
    one = tf.inverse(u[t - lag] + d_hat) if lag else tf.inverse(d_hat)
    np.testing.assert_allclose(one_step_test(model, split), one, rtol=1e-9)
    # rollout: û_t = û_{t-lag} + d̂_t, with actual values before the origin
    r = split.scaler.inverse(rollout_scaled(model, split.scaled[split.n_train - 6: split.n_train], 12))
    uu = list(u[: split.n_train])
    for k in range(12):
        uu.append((uu[-lag] if lag else 0.0) + r[k])
    np.testing.assert_allclose(recursive_test(model, split), tf.inverse(np.array(uu[split.n_train:])), rtol=1e-9)
    assert fitted_values(model, split).shape == (split.n_train - 6,)
    assert rollout(model, split, 5).shape == (5,)


def test_a_perfect_change_predictor_recovers_the_series():
    x = growing()
    tf = Transform("log", 1.0, 12)
    d = tf.model_series(x)
    np.testing.assert_allclose(tf.rollout(d[60:72], x, 60), x[60:72], rtol=1e-12)
    np.testing.assert_allclose(tf.one_step(d[60:72], x, 60), x[60:72], rtol=1e-12)


def test_refusals_say_why():
    with pytest.raises(LensError) as err:
        split_series(np.r_[-1.0, growing()], 6, 12, transform="log")
    assert err.value.key == "transforms.positive"
    with pytest.raises(LensError) as err:
        fit_transform(growing(), growing(), "sqrt")
    assert err.value.key == "transforms.kind"
    with pytest.raises(LensError) as err:
        split_series(growing(26), 6, 6, diff=12)
    assert err.value.key == "windows.not_enough_diff"
    with pytest.raises(LensError):
        Config(transform="cube").validate()


def test_test_values_never_reach_training_with_a_transform():
    x = growing()
    mutated = x.copy()
    mutated[-12:] *= 10
    weights = []
    for series in (x, mutated):
        trainer = Trainer(split_series(series, 6, 12, val_size=6, transform="boxcox", diff=12),
                          Config(hidden_size=4, window=6, epochs=4, max_snapshots=2))
        list(trainer)
        weights.append([p.detach().numpy().copy() for p in trainer.model.parameters()])
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


def test_suggestion_differences_trending_series_only():
    assert suggest_transform(growing(), 12) == ("none", 12)
    assert suggest_transform(growing(), None) == ("none", 1)
    flat = 10 + np.sin(np.arange(100) / 3)
    assert suggest_transform(flat, 12) == ("none", 0)


def test_gate_view_shows_what_the_model_reads():
    from lstm_viz import workspace

    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    run = workspace.train_to_end(ws, workspace.recommended_config(ws.dataset).replace(epochs=1, hidden_size=4))
    assert run.split.transform.diff == 12
    view = workspace.gate_trace(ws, 0)
    x = run.dataset.series.values
    np.testing.assert_allclose(view.inputs, x[view.positions] - x[view.positions - 12], rtol=1e-5, atol=1e-3)
