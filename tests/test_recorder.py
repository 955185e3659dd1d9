"""The recorded gates are the model's real ones: replayed h and c equal nn.LSTM's output."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.models import build_model
from lstm_viz.recorder import STATE_NAMES, record, saturation

TOL = 1e-5


def _reference(core: nn.RNNBase, x: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor | None):
    """Run the PyTorch module itself: top-layer output, h_n and (LSTM) c_n as numpy."""
    with torch.no_grad():
        if isinstance(core, nn.LSTM):
            out, (h_n, c_n) = core(x, (h0, c0))
            return out.numpy(), h_n.numpy(), c_n.numpy()
        out, h_n = core(x, h0)
        return out.numpy(), h_n.numpy(), None


def _max_error(core: nn.RNNBase, x: torch.Tensor, h0, c0) -> float:
    """Largest |replayed - nn.Module| over the top output and every layer's final h (and c)."""
    out, h_n, c_n = _reference(core, x, h0, c0)
    trace = record(core, x, h0, c0)
    dirs = trace.num_directions
    top = np.concatenate([trace.layer(-1, d)["h"] for d in range(dirs)], axis=-1)
    errors = [np.abs(top - out).max()]
    for layer in range(core.num_layers):
        for d in range(dirs):
            lt = trace.layer(layer, d)
            last = 0 if d else -1  # the reverse direction ends at input time 0
            errors.append(np.abs(lt["h"][last] - h_n[layer * dirs + d]).max())
            if c_n is not None:
                errors.append(np.abs(lt["c"][last] - c_n[layer * dirs + d]).max())
    return float(max(errors))


@pytest.mark.parametrize("num_layers", [1, 2, 3])
@pytest.mark.parametrize("bias", [True, False])
def test_lstm_replay_equals_nn_lstm(num_layers: int, bias: bool) -> None:
    torch.manual_seed(num_layers * 10 + bias)
    core = nn.LSTM(input_size=3, hidden_size=7, num_layers=num_layers, bias=bias)
    x = torch.randn(25, 4, 3)  # T=25, batch 4, hidden size != input size
    h0 = torch.randn(num_layers, 4, 7)
    c0 = torch.randn(num_layers, 4, 7)
    assert _max_error(core, x, h0, c0) <= TOL


def test_lstm_every_step_matches_not_only_the_last() -> None:
    torch.manual_seed(1)
    core = nn.LSTM(2, 5, num_layers=2)
    x = torch.randn(30, 3, 2)
    with torch.no_grad():
        out, _ = core(x)
    trace = record(core, x)
    np.testing.assert_allclose(trace.layer(-1)["h"], out.numpy(), atol=TOL, rtol=0)
    # The bottom layer's h is the top layer's input: check it through a one-layer copy.
    bottom = nn.LSTM(2, 5)
    bottom.load_state_dict({k: v for k, v in core.state_dict().items() if k.endswith("_l0")})
    with torch.no_grad():
        out0, _ = bottom(x)
    np.testing.assert_allclose(trace.layer(0)["h"], out0.numpy(), atol=TOL, rtol=0)


def test_gates_obey_the_cell_equations() -> None:
    """c_t = f ⊙ c_{t-1} + i ⊙ g and h_t = o ⊙ tanh(c_t), with gates in their ranges."""
    torch.manual_seed(2)
    trace = record(nn.LSTM(1, 6), torch.randn(40, 1))
    lt = trace.layer(0)
    i, f, g, o, c, h = (lt[name] for name in STATE_NAMES["lstm"])
    assert i.shape == f.shape == g.shape == o.shape == c.shape == h.shape == (40, 6)
    assert all(a.dtype == np.float32 for a in lt.values.values())
    c_prev = np.vstack([np.zeros((1, 6), np.float32), c[:-1]])
    np.testing.assert_allclose(c, f * c_prev + i * g, atol=1e-6)
    np.testing.assert_allclose(h, o * np.tanh(c), atol=1e-6)
    for gate in (i, f, o):
        assert gate.min() >= 0.0 and gate.max() <= 1.0
    assert np.abs(g).max() <= 1.0


def test_swapped_gate_order_is_caught() -> None:
    """A recorder reading the weights as f, i, g, o instead of i, f, g, o must fail the check.

    Swapping the i and f weight blocks of a copy is exactly what such a recorder
    would compute; its replay must then disagree with the real module.
    """
    torch.manual_seed(3)
    core = nn.LSTM(2, 4, num_layers=2)
    x, h0, c0 = torch.randn(15, 3, 2), torch.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    assert _max_error(core, x, h0, c0) <= TOL
    hidden = core.hidden_size
    for a, b in [(0, 1), (1, 3), (2, 3)]:  # (i, f), (f, o), (g, o)
        wrong = nn.LSTM(2, 4, num_layers=2)
        state = {k: v.clone() for k, v in core.state_dict().items()}
        for name, tensor in state.items():
            block_a = tensor[a * hidden : (a + 1) * hidden].clone()
            tensor[a * hidden : (a + 1) * hidden] = tensor[b * hidden : (b + 1) * hidden]
            tensor[b * hidden : (b + 1) * hidden] = block_a
        wrong.load_state_dict(state)
        replay = record(wrong, x, h0, c0)
        with torch.no_grad():
            out, _ = core(x, (h0, c0))
        assert np.abs(replay.layer(-1)["h"] - out.numpy()).max() > 1e-3


@pytest.mark.parametrize("cell", ["gru", "rnn"])
@pytest.mark.parametrize("num_layers", [1, 3])
def test_gru_and_rnn_replay(cell: str, num_layers: int) -> None:
    torch.manual_seed(4)
    core = {"gru": nn.GRU, "rnn": nn.RNN}[cell](3, 6, num_layers=num_layers)
    x, h0 = torch.randn(20, 5, 3), torch.randn(num_layers, 5, 6)
    assert _max_error(core, x, h0, None) <= TOL
    assert set(record(core, x).layer().values) == set(STATE_NAMES[cell])


def test_relu_rnn_replay() -> None:
    torch.manual_seed(5)
    core = nn.RNN(2, 4, nonlinearity="relu")
    assert _max_error(core, torch.randn(10, 2, 2), torch.zeros(1, 2, 4), None) <= TOL


@pytest.mark.parametrize("module", [nn.LSTM, nn.GRU])
def test_bidirectional_replay(module: type[nn.RNNBase]) -> None:
    torch.manual_seed(6)
    core = module(2, 5, num_layers=2, bidirectional=True)
    x, h0 = torch.randn(12, 3, 2), torch.randn(4, 3, 5)
    c0 = torch.randn(4, 3, 5) if module is nn.LSTM else None
    assert _max_error(core, x, h0, c0) <= TOL


def test_unbatched_input_and_forecaster() -> None:
    model = build_model(Config(hidden_size=8, num_layers=2))
    x = np.random.default_rng(0).normal(size=(12, 1)).astype(np.float32)
    trace = record(model, x)  # a Forecaster: its core is replayed
    assert trace.layer(0)["f"].shape == (12, 8)
    with torch.no_grad():
        out, _ = model.core(torch.from_numpy(x))
    np.testing.assert_allclose(trace.layer(-1)["h"], out.numpy(), atol=TOL)


def test_wrong_input_shape_is_refused() -> None:
    with pytest.raises(LensError) as err:
        record(nn.LSTM(1, 3), np.zeros((5, 2), np.float32))
    assert err.value.key == "recorder.shape"


def test_saturation_shares() -> None:
    values = np.array([0.05, 0.5, 0.95, 0.99])
    assert saturation(values) == (0.25, 0.5)


@pytest.mark.parametrize("num_layers", [1, 2])
def test_a_three_input_model_through_the_real_pipeline(num_layers: int) -> None:
    """A file with a target and two covariates → set_inputs → a trained model → the Gates page's trace.

    The replayed states equal nn.LSTM run on the very windows the model trained on (input_size 3),
    and the top layer's last h, through the model's head, is the model's own prediction.
    """
    import pandas as pd

    from lstm_viz import workspace
    from lstm_viz.forecast import predict_scaled

    rng = np.random.default_rng(num_layers)
    n = 80
    t = np.arange(n)
    frame = pd.DataFrame({"date": pd.date_range("2021-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
                          "temp": 10 + 5 * np.sin(t / 6) + rng.normal(0, 0.3, n),
                          "rain": rng.gamma(1.0, 2.0, n), "wind": 20 + rng.normal(0, 4, n)})
    ws = workspace.Workspace()
    workspace.load_upload(ws, frame.to_csv(index=False).encode(), "weather.csv", target="temp")
    workspace.set_inputs(ws, ["rain", "wind"])
    run = workspace.train_to_end(ws, Config(hidden_size=5, num_layers=num_layers, epochs=2, window=7,
                                      max_snapshots=2, num_threads=1))
    assert run.model.core.input_size == 3 and run.split.X_test.shape[2] == 3
    for segment in (0, 3, "series"):
        view = workspace.gate_trace(ws, segment)
        assert view.x.shape[1] == 3 and view.input_names == ("temp", "rain", "wind")
        x = torch.from_numpy(view.x[:, None, :])  # (T, 1, 3): what the page's trace was recorded on
        zeros = torch.zeros(num_layers, 1, 5)
        assert _max_error(run.model.core, x, zeros, zeros) <= TOL
        if segment != "series":
            np.testing.assert_array_equal(view.x, run.split.X_test[:, segment])
            with torch.no_grad():
                head = run.model.head(torch.from_numpy(view.trace.layer(-1)["h"][-1]))
            assert float(head[0]) == pytest.approx(float(predict_scaled(run.model, run.split.X_test)[segment]),
                                                   abs=TOL)
