"""The unit explorer's engine: correlations by numpy, a planted pattern found, a unit switched off by hand."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lstm_viz import units
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.forecast import one_step_test, predict_scaled, recursive_test
from lstm_viz.metrics import rmse
from lstm_viz.models import build_model
from lstm_viz.windows import split_series

SEASON = 12


# -- describe_units --------------------------------------------------------------------------------------


def test_correlations_equal_numpy_corrcoef():
    rng = np.random.default_rng(0)
    n_steps, hidden = 120, 5
    positions = np.arange(30, 30 + n_steps)
    inputs = rng.normal(size=n_steps).cumsum()
    h = np.tanh(rng.normal(size=(n_steps, hidden)))
    gates = {"f": rng.uniform(size=(n_steps, hidden)), "i": rng.uniform(size=(n_steps, hidden))}
    described = {d.unit: d for d in units.describe_units(h, inputs, positions, SEASON, gates)}
    phase = 2 * np.pi * positions / SEASON
    for unit in range(hidden):
        r = described[unit].correlations
        assert r["level"] == pytest.approx(np.corrcoef(h[:, unit], inputs)[0, 1], abs=1e-12)
        assert r["change"] == pytest.approx(np.corrcoef(h[1:, unit], np.diff(inputs))[0, 1], abs=1e-12)
        assert r["season_sin"] == pytest.approx(np.corrcoef(h[:, unit], np.sin(phase))[0, 1], abs=1e-12)
        assert r["season_cos"] == pytest.approx(np.corrcoef(h[:, unit], np.cos(phase))[0, 1], abs=1e-12)
        assert r["trend"] == pytest.approx(np.corrcoef(h[:, unit], positions)[0, 1], abs=1e-12)
        for name, values in gates.items():
            shut_or_open = (values[:, unit] < 0.05) | (values[:, unit] > 0.95)
            assert described[unit].saturation[name] == pytest.approx(shut_or_open.mean())


def test_units_are_ranked_strongest_relation_first_and_a_flat_unit_last():
    rng = np.random.default_rng(1)
    n_steps = 96
    positions = np.arange(n_steps)
    inputs = rng.normal(size=n_steps)
    h = rng.normal(scale=0.3, size=(n_steps, 4))
    h[:, 2] = 0.8 * np.cos(2 * np.pi * positions / SEASON)  # a unit that is the season's phase
    h[:, 0] = 0.25  # a unit that never moves
    ranked = units.describe_units(h, inputs, positions, SEASON)
    assert ranked[0].unit == 2 and ranked[0].feature == "season_cos" and ranked[0].r == pytest.approx(1.0)
    assert ranked[-1].unit == 0 and ranked[-1].feature is None
    strengths = [d.strength for d in ranked]
    assert strengths == sorted(strengths, reverse=True)
    assert units.say(ranked[0], "en") == "Unit 2 follows the season's phase (cosine) (r = 1.00)"
    assert units.say(ranked[-1], "en") == "Unit 0 hardly changes over the series"
    assert "单元 2" in units.say(ranked[0], "zh")


def test_without_a_season_there_are_no_phase_features():
    rng = np.random.default_rng(2)
    h = rng.normal(size=(40, 3))
    for season in (None, 1):
        described = units.describe_units(h, rng.normal(size=40), np.arange(40), season)
        assert set(described[0].correlations) == {"level", "change", "trend"}


def test_a_mismatched_series_is_refused():
    with pytest.raises(LensError) as err:
        units.describe_units(np.zeros((10, 2)), np.zeros(9), np.arange(9))
    assert err.value.key == "units.length"


# -- find_similar ------------------------------------------------------------------------------------------


PLANTED = (40, 150, 230)
LENGTH = 10


def planted_trace(seed: int) -> np.ndarray:
    """Two units of noise around -0.5, with the same 10-step pattern planted at PLANTED (and nowhere else)."""
    rng = np.random.default_rng(seed)
    trace = -0.5 + 0.1 * rng.normal(size=(300, 2))
    # No step of the pattern sits near the threshold 0, so noise never flips a unit on or off.
    bump = np.stack([np.sin(np.linspace(0.3, np.pi - 0.3, LENGTH)), np.linspace(-0.5, 1.3, LENGTH)], axis=1)
    for start in PLANTED:
        trace[start:start + LENGTH] = bump + 0.01 * rng.normal(size=bump.shape)
    return trace


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("mode", units.PATTERN_MODES)
def test_the_search_finds_a_planted_pattern_and_nothing_else(mode, seed):
    trace = planted_trace(seed)
    matches = units.find_similar(trace, PLANTED[0], PLANTED[0] + LENGTH, mode=mode, threshold=0.0)
    assert [(m.start, m.end) for m in matches] == [(start, start + LENGTH) for start in PLANTED[1:]]
    assert all(m.distance <= (0.1 if mode == "threshold" else 0.5) for m in matches)


def test_matches_never_overlap_the_query_or_each_other():
    rng = np.random.default_rng(3)
    trace = np.sin(np.arange(200) * 2 * np.pi / 20)[:, None] + 0.01 * rng.normal(size=(200, 1))
    matches = units.find_similar(trace, 40, 60, mode="shape")
    covered = np.zeros(200, int)
    covered[40:60] += 1
    for m in matches:
        covered[m.start:m.end] += 1
    assert covered.max() == 1 and len(matches) >= 5  # a pure wave repeats every 20 steps


def test_a_bad_range_is_refused():
    for start, end in ((5, 6), (10, 5), (-1, 4), (0, 301)):
        with pytest.raises(LensError) as err:
            units.find_similar(np.zeros((300, 1)), start, end)
        assert err.value.key == "units.range"


# -- ablate ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def split():
    t = np.arange(72)
    values = 100.0 + 2.0 * t + 30.0 * np.sin(2 * np.pi * t / SEASON)
    return split_series(values, window=SEASON, test_size=SEASON)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_ablated_forecast_is_a_hand_modified_models_forecast(split, seed):
    model = build_model(Config(hidden_size=6, seed=seed))
    unit = 3
    by_hand = build_model(Config(hidden_size=6, seed=seed))
    by_hand.load_state_dict(model.state_dict())
    with torch.no_grad():
        by_hand.core.weight_hh_l0[:, unit] = 0.0  # h[unit] no longer reaches the next step
        by_hand.head.weight[0, unit] = 0.0  # nor the forecast
    result = units.ablate(model, split, unit)
    np.testing.assert_allclose(result.one_step[1], one_step_test(by_hand, split), rtol=1e-6)
    np.testing.assert_allclose(result.recursive[1], recursive_test(by_hand, split), rtol=1e-6)
    np.testing.assert_allclose(result.one_step[0], one_step_test(model, split), rtol=1e-6)
    assert result.rmse_one_step[1] == pytest.approx(rmse(split.test_values, one_step_test(by_hand, split)))
    assert not np.allclose(result.one_step[0], result.one_step[1])  # the unit mattered to something
    assert model.head.weight[0, unit].item() != 0.0  # the model itself is untouched


def test_switching_off_means_every_reader_sees_h_zero(split):
    """The same forecast from the LSTM equations written out, with h[unit] forced to 0 at every step."""
    model = build_model(Config(hidden_size=5, seed=4))
    unit = 1
    core, head = model.core, model.head
    x = torch.as_tensor(split.X_test, dtype=torch.float32)  # (T, M, 1)
    h = torch.zeros(x.shape[1], 5)
    c = torch.zeros_like(h)
    with torch.no_grad():
        for t in range(x.shape[0]):
            pre = x[t] @ core.weight_ih_l0.T + core.bias_ih_l0 + h @ core.weight_hh_l0.T + core.bias_hh_l0
            i, f, g, o = pre.chunk(4, dim=1)
            # c_t = f ⊙ c_{t-1} + i ⊙ g
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            # h_t = o ⊙ tanh(c_t), then switched off where it is read
            h = torch.sigmoid(o) * torch.tanh(c)
            h[:, unit] = 0.0
        expected = head(h)[:, 0].numpy()
    np.testing.assert_allclose(predict_scaled(units.ablated_model(model, unit), split.X_test), expected,
                               rtol=1e-5, atol=1e-6)


def test_a_lower_layers_unit_is_cut_from_the_layer_above(split):
    model = build_model(Config(hidden_size=4, num_layers=2, seed=5))
    quiet = units.ablated_model(model, 2, layer=0)
    assert torch.all(quiet.core.weight_hh_l0[:, 2] == 0) and torch.all(quiet.core.weight_ih_l1[:, 2] == 0)
    assert torch.equal(quiet.head.weight, model.head.weight)
    with pytest.raises(LensError):
        units.ablated_model(model, 4)


def test_the_same_shape_is_found_at_another_level():
    trace = planted_trace(4)
    trace[150:150 + LENGTH] += 0.6  # the second copy sits higher; its rise and fall are the same
    matches = units.find_similar(trace, PLANTED[0], PLANTED[0] + LENGTH, mode="shape")
    assert [m.start for m in matches] == list(PLANTED[1:])


def test_no_match_starts_before_the_earliest_step():
    trace = planted_trace(5)
    matches = units.find_similar(trace, PLANTED[1], PLANTED[1] + LENGTH, mode="shape", earliest=41)
    assert [m.start for m in matches] == [PLANTED[2]]  # the copy at 40 starts one step too early


def test_a_gru_unit_is_switched_off_the_same_way(split):
    model = build_model(Config(cell="gru", hidden_size=5, seed=6))
    quiet = units.ablated_model(model, 4)
    assert torch.all(quiet.core.weight_hh_l0[:, 4] == 0) and torch.all(quiet.head.weight[:, 4] == 0)
    assert not np.allclose(one_step_test(quiet, split), one_step_test(model, split))
