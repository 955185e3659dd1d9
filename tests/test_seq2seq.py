"""Many-to-many: shapes, windows, recorded gates of encoder and decoder, and error against lead."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lstm_viz.errors import LensError
from lstm_viz.models import Forecaster
from lstm_viz.recorder import record
from lstm_viz.seq2seq import (
    Seq2Seq, compare_horizons, error_by_horizon, make_seq2seq_windows, record_seq2seq, rollout_batch,
    split_seq2seq,
)

TOL = 1e-5


@pytest.mark.parametrize("mode", ["direct", "decoder"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_output_shape_is_time_first(mode: str, bidirectional: bool, num_layers: int) -> None:
    torch.manual_seed(0)
    model = Seq2Seq(n_out=18, hidden_size=6, num_layers=num_layers, bidirectional=bidirectional, mode=mode)
    y_hat = model(torch.randn(18, 5, 1))  # 18 months in, 18 out
    assert y_hat.shape == (18, 5)
    h, c = model.encode(torch.randn(18, 5, 1))
    assert h.shape == c.shape == (num_layers, 5, 6 * (2 if bidirectional else 1))


def test_windows_pair_n_inputs_with_the_next_m_values() -> None:
    X, Y = make_seq2seq_windows(np.arange(10, dtype=np.float32), n_in=3, n_out=2)
    assert X.shape == (3, 6, 1) and Y.shape == (2, 6)
    np.testing.assert_array_equal(X[:, 0, 0], [0, 1, 2])
    np.testing.assert_array_equal(Y[:, 0], [3, 4])
    np.testing.assert_array_equal(X[:, -1, 0], [5, 6, 7])
    np.testing.assert_array_equal(Y[:, -1], [8, 9])
    assert X.flags.writeable and Y.flags.writeable
    with pytest.raises(LensError):
        make_seq2seq_windows(np.arange(4.0), 3, 2)


def test_split_keeps_train_targets_in_train_and_test_targets_in_test() -> None:
    values = np.arange(60, dtype=np.float64)
    data = split_seq2seq(values, n_in=6, n_out=4, test_size=10)
    assert data.n_train == 50
    train_targets = data.scaler.inverse(data.Y_train)
    test_targets = data.scaler.inverse(data.Y_test)
    assert train_targets.max() == pytest.approx(49) and test_targets.min() == pytest.approx(50)
    assert data.X_test.shape == (6, 7, 1) and data.Y_test.shape == (4, 7)  # test_size - M + 1 origins
    np.testing.assert_array_equal(data.origins, np.arange(50, 57))
    np.testing.assert_allclose(test_targets[0], data.values[data.origins], atol=1e-4)
    with pytest.raises(LensError) as err:
        split_seq2seq(values, 6, 12, test_size=10)  # the test part cannot hold one M-step target
    assert err.value.key == "teach.seq2seq.not_enough"


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_recorded_encoder_and_decoder_equal_the_modules(bidirectional: bool, num_layers: int) -> None:
    torch.manual_seed(1)
    model = Seq2Seq(n_out=5, hidden_size=4, num_layers=num_layers, bidirectional=bidirectional, mode="decoder")
    model.eval()
    x = torch.randn(9, 3, 1)
    traces = record_seq2seq(model, x)
    with torch.no_grad():
        enc_out, (h_n, c_n) = model.encoder(x)
        y_hat, dec_inputs = model.decode(x)
    enc = traces["encoder"]
    top = np.concatenate([enc.layer(-1, d)["h"] for d in range(enc.num_directions)], axis=-1)
    np.testing.assert_allclose(top, enc_out.numpy(), atol=TOL, rtol=0)
    if bidirectional:  # the reverse direction ends at input time 0
        np.testing.assert_allclose(enc.layer(-1, 1)["c"][0], c_n[-1].numpy(), atol=TOL, rtol=0)
    dec = traces["decoder"]
    assert dec.layer(-1)["h"].shape == (5, 3, 4 * (2 if bidirectional else 1))
    # The decoder's recorded h, through the head, is the model's forecast.
    with torch.no_grad():
        y_from_trace = model.head(torch.from_numpy(dec.layer(-1)["h"]))[..., 0].numpy()
    np.testing.assert_allclose(y_from_trace, y_hat.numpy(), atol=TOL, rtol=0)
    # Its inputs are the previous predictions, starting from the last observed value.
    np.testing.assert_allclose(dec_inputs[1:, :, 0].numpy(), y_hat[:-1].numpy(), atol=0)
    np.testing.assert_allclose(dec_inputs[0, :, 0].numpy(), x[-1, :, 0].numpy(), atol=0)
    # Unbatched input gives (T, H) traces with the same numbers.
    one = record_seq2seq(model, x[:, 1])
    np.testing.assert_allclose(one["decoder"].layer(-1)["h"], dec.layer(-1)["h"][:, 1], atol=TOL, rtol=0)
    np.testing.assert_allclose(one["encoder"].layer(0)["f"], enc.layer(0)["f"][:, 1], atol=TOL, rtol=0)


def test_direct_mode_records_the_encoder_only() -> None:
    model = Seq2Seq(n_out=3, hidden_size=4, bidirectional=True, mode="direct")
    x = torch.randn(6, 2, 1)
    traces = record_seq2seq(model, x)
    assert set(traces) == {"encoder"}
    assert traces["encoder"].num_directions == 2
    np.testing.assert_allclose(traces["encoder"].layer(0, 1)["h"], record(model.encoder, x).layer(0, 1)["h"])


def test_rollout_batch_feeds_predictions_back() -> None:
    torch.manual_seed(2)
    model = Forecaster("lstm", hidden_size=4)
    X = torch.randn(5, 3, 1)
    preds = rollout_batch(model, X, steps=3)
    with torch.no_grad():
        first = model(X)[:, 0]
        second = model(torch.cat([X[1:], first.view(1, 3, 1)]))[:, 0]
    np.testing.assert_allclose(preds[0], first.numpy(), atol=1e-6)
    np.testing.assert_allclose(preds[1], second.numpy(), atol=1e-6)


def test_error_by_horizon_is_rmse_per_lead() -> None:
    y = np.zeros((3, 4))
    pred = np.array([[1.0, 1, 1, 1], [2, 2, 2, 2], [0, 0, 0, 4]])
    np.testing.assert_allclose(error_by_horizon(y, {"m": pred})["m"], [1.0, 2.0, 2.0])


def test_compare_horizons_scores_all_methods_on_the_same_origins() -> None:
    t = np.arange(160)
    values = 10 + 3 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 0.3, t.size)
    data = split_seq2seq(values, n_in=12, n_out=6, test_size=24)
    result = compare_horizons(data, hidden_size=8, epochs=8, batch_size=32, seed=0, bidirectional=True)
    assert set(result.rmse) == {"direct", "decoder", "recursive"}
    assert result.y_true.shape == (6, 19) and list(result.leads) == [1, 2, 3, 4, 5, 6]
    for method, pred in result.predictions.items():
        assert pred.shape == (6, 19) and np.all(np.isfinite(pred))
        assert result.rmse[method].shape == (6,) and np.all(result.rmse[method] > 0)
        assert result.losses[method].shape == (8,) and result.losses[method][-1] < result.losses[method][0]
        assert result.params[method] > 0
    assert result.models["direct"].encoder.bidirectional
    # Same seed, same result.
    again = compare_horizons(data, methods=("direct",), hidden_size=8, epochs=8, seed=0, bidirectional=True)
    np.testing.assert_array_equal(again.predictions["direct"], result.predictions["direct"])
