"""Windows, the time split and the scaler."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_viz.errors import LensError
from lstm_viz.windows import Scaler, make_windows, split_series


def test_make_windows_pairs_each_window_with_the_next_value() -> None:
    X, y = make_windows(np.arange(10.0), window=3)
    assert X.shape == (3, 7, 1) and y.shape == (7,)
    assert X.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_array_equal(X[:, 0, 0], [0, 1, 2])
    np.testing.assert_array_equal(X[:, 6, 0], [6, 7, 8])
    np.testing.assert_array_equal(y, np.arange(3, 10))


def test_make_windows_refuses_a_window_as_long_as_the_series() -> None:
    with pytest.raises(LensError) as err:
        make_windows(np.arange(5.0), window=5)
    assert err.value.key == "windows.too_short"


@pytest.mark.parametrize("kind", ["minmax", "standard"])
def test_scaler_round_trip(kind: str) -> None:
    x = np.random.default_rng(0).normal(500, 80, size=50)
    scaler = Scaler.fit(x, kind)
    z = scaler.transform(x)
    if kind == "minmax":
        assert z.min() == pytest.approx(-1, abs=1e-6) and z.max() == pytest.approx(1, abs=1e-6)
    else:
        assert z.mean() == pytest.approx(0, abs=1e-5) and z.std() == pytest.approx(1, abs=1e-5)
    np.testing.assert_allclose(scaler.inverse(z), x, rtol=1e-6)


def test_scaler_of_a_flat_part_does_not_divide_by_zero() -> None:
    scaler = Scaler.fit(np.full(8, 3.0))
    assert np.isfinite(scaler.transform([3.0, 4.0])).all()


def test_split_is_by_time_and_scaled_on_the_training_part_only() -> None:
    values = np.arange(100.0)
    split = split_series(values, window=5, test_size=10)
    assert split.n_train == 90 and split.test_size == 10
    # The scaler saw only 0..89: the training part spans exactly [-1, 1], the test part goes above.
    assert split.scaled[:90].min() == pytest.approx(-1) and split.scaled[89] == pytest.approx(1)
    assert split.scaled[90:].min() > 1
    assert split.X_train.shape == (5, 85, 1) and split.X_test.shape == (5, 10, 1)
    # Every test target is a test-part value; the first test window reads the last 5 training values.
    np.testing.assert_allclose(split.scaler.inverse(split.y_test), values[90:], atol=1e-4)
    np.testing.assert_allclose(split.scaler.inverse(split.X_test[:, 0, 0]), values[85:90], atol=1e-4)
    np.testing.assert_allclose(split.scaler.inverse(split.y_train), values[5:90], atol=1e-4)


def test_split_refuses_too_short_a_series_with_the_count_it_needs() -> None:
    with pytest.raises(LensError) as err:
        split_series(np.arange(20.0), window=12, test_size=12)
    assert err.value.key == "windows.not_enough"
    assert err.value.params["need"] == 28 and "28" in str(err.value)


def test_three_way_split_scaler_sees_only_the_training_part():
    values = np.arange(40, dtype=np.float64) ** 1.5
    split = split_series(values, window=3, test_size=5, val_size=6)
    assert (split.n_train, split.n_fit, split.val_size, split.test_size) == (35, 29, 6, 5)
    # min-max on values[:29] only: it maps them onto [-1, 1] exactly.
    assert split.scaled[:29].min() == pytest.approx(-1.0) and split.scaled[:29].max() == pytest.approx(1.0)
    assert split.scaled[29:].min() > 1.0
    # Targets: fit windows end before the validation part, validation windows end in it.
    np.testing.assert_allclose(split.y_fit, split.scaled[3:29])
    np.testing.assert_allclose(split.y_val, split.scaled[29:35])
    np.testing.assert_allclose(split.y_test, split.scaled[35:])
    np.testing.assert_allclose(split.X_val[:, 0, 0], split.scaled[26:29])
    assert split.X_fit.shape == (3, 26, 1) and split.X_val.shape == (3, 6, 1)


def test_three_way_split_refuses_a_series_too_short_for_its_parts():
    with pytest.raises(LensError) as err:
        split_series(np.arange(14.0), window=2, test_size=4, val_size=5)
    assert err.value.key == "windows.not_enough_val" and err.value.params["need"] == 15
    with pytest.raises(LensError):
        split_series(np.arange(40.0), window=2, test_size=4, val_size=-1)
