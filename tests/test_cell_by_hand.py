"""The hand-worked LSTM step shows the model's real numbers: they equal the recorder and nn.LSTM."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from torch import nn

from lstm_viz.cell_by_hand import SYMBOLS, latex_lines, symbol_notes, worked_lines, worked_rows
from lstm_viz.cell_step import GATES, explain_step, tiny_worked_example
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.i18n import TABLES
from lstm_viz.models import build_model
from lstm_viz.recorder import record

TOL = 1e-5  # float32 model vs float64 hand computation


def test_tiny_example_matches_nn_lstm() -> None:
    ex = tiny_worked_example()
    step = ex.step
    np.testing.assert_allclose(step.h_prev, [0.1, 0.2, 0.3], atol=1e-7)
    np.testing.assert_allclose(step.x_t, [0.6, 0.7, 0.8], atol=1e-7)
    np.testing.assert_allclose(step.z, [0.1, 0.2, 0.3, 0.6, 0.7, 0.8], atol=1e-7)
    with torch.no_grad():
        out, (h_n, c_n) = ex.core(torch.from_numpy(ex.x_seq), (torch.from_numpy(ex.h0), torch.from_numpy(ex.c0)))
    np.testing.assert_allclose(step.h_t, out[0].numpy(), atol=TOL, rtol=0)
    np.testing.assert_allclose(step.c_t, c_n[0].numpy(), atol=TOL, rtol=0)
    # Seeded: the same weights every time, and torch's global random state untouched.
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    again = tiny_worked_example()
    assert torch.rand(1) == before
    for name in GATES:
        np.testing.assert_array_equal(again.step.gates[name].W, step.gates[name].W)


def test_gate_rows_are_h_columns_then_x_columns() -> None:
    """W_q = [W_hq | W_iq] so that W_q z with z = [h, x] is the module's own pre-activation."""
    ex = tiny_worked_example()
    core, step, hidden = ex.core, ex.step, 3
    for q, name in enumerate(GATES):
        rows = slice(q * hidden, (q + 1) * hidden)
        gate = step.gates[name]
        np.testing.assert_allclose(gate.W[:, :hidden], core.weight_hh_l0[rows].detach().double().numpy())
        np.testing.assert_allclose(gate.W[:, hidden:], core.weight_ih_l0[rows].detach().double().numpy())
        np.testing.assert_allclose(gate.b, (core.bias_ih_l0 + core.bias_hh_l0)[rows].detach().double().numpy(),
                                   atol=1e-7)
        np.testing.assert_allclose(gate.a, gate.W @ step.z + gate.b)
    i, f, g, o = (step[name] for name in GATES)
    np.testing.assert_allclose(step.c_t, f * step.c_prev + i * g)
    np.testing.assert_allclose(step.h_t, o * np.tanh(step.c_t))
    assert all(0 < v < 1 for name in "ifo" for v in step[name]) and np.all(np.abs(g) < 1)


@pytest.mark.parametrize("layer", [0, 1])
def test_every_step_of_a_trained_sized_model_equals_the_recorder(layer: int) -> None:
    model = build_model(Config(hidden_size=8, num_layers=2, seed=3))
    x = np.sin(np.linspace(0, 6, 20, dtype=np.float32))[:, None]
    trace = record(model, x)
    with torch.no_grad():
        out, _ = model.core(torch.from_numpy(x))
    for t in (0, 7, 19):
        step = explain_step(model, x, t, layer=layer)
        lt = trace.layer(layer)
        for name in GATES:
            np.testing.assert_allclose(step[name], lt[name][t], atol=TOL, rtol=0)
        np.testing.assert_allclose(step.c_t, lt["c"][t], atol=TOL, rtol=0)
        np.testing.assert_allclose(step.h_t, lt["h"][t], atol=TOL, rtol=0)
        if layer == 1:  # the top layer's h is nn.LSTM's output
            np.testing.assert_allclose(step.h_t, out[t].numpy(), atol=TOL, rtol=0)


def test_reverse_direction_of_a_bidirectional_core() -> None:
    torch.manual_seed(4)
    core = nn.LSTM(2, 5, bidirectional=True)
    x = torch.randn(9, 2)
    with torch.no_grad():
        out, _ = core(x)
    for t in (0, 4, 8):  # t = 8 is where the reverse direction starts, from its initial state
        step = explain_step(core, x, t, direction=1)
        np.testing.assert_allclose(step.h_t, out[t, 5:].numpy(), atol=TOL, rtol=0)
    assert np.all(explain_step(core, x, 8, direction=1).h_prev == 0)


def test_latex_lines_carry_the_numbers_and_every_symbol_is_explained() -> None:
    step = tiny_worked_example().step
    lines = latex_lines(step)
    assert len(lines) == 1 + 2 * len(GATES) + 2
    assert lines[0].startswith("z = [h_{t-1},\\ x_t] = [0.100,\\ 0.200,\\ 0.300,\\ 0.600,\\ 0.700,\\ 0.800]")
    assert f"{step.h_t[0]:.3f}" in lines[-1] and f"{step.c_t[2]:.3f}" in lines[-2]
    one_unit = latex_lines(step, unit=1)
    assert f"{step.gates['f'].a[1]:.3f}" in one_unit[1 + 2 * GATES.index("f")]
    assert all(line.count("{") == line.count("}") for line in lines + one_unit)
    for lang in ("en", "zh"):
        captions = [caption for caption, _ in worked_lines(step, lang=lang)]
        assert all(caption and not caption.startswith("teach.") for caption in captions)
        notes = symbol_notes(lang)
        assert len(notes) == len(SYMBOLS) and all(sentence in TABLES[lang].values() for _, sentence in notes)


def test_a_large_layer_shows_one_unit() -> None:
    model = build_model(Config(hidden_size=16, seed=0))
    step = explain_step(model, np.zeros((3, 1), np.float32), t=2, unit=5)
    assert "a_{f,5}" in latex_lines(step)[3]


def test_refusals() -> None:
    x = np.zeros((4, 1), np.float32)
    with pytest.raises(LensError) as err:
        explain_step(nn.GRU(1, 3), x, 0)
    assert err.value.key == "teach.cell.not_lstm"
    with pytest.raises(LensError) as err:
        explain_step(nn.LSTM(1, 3), x, 4)
    assert err.value.key == "teach.cell.step"
    with pytest.raises(LensError) as err:
        explain_step(nn.LSTM(1, 3), x, 0, unit=3)
    assert err.value.key == "teach.cell.unit"
    with pytest.raises(LensError) as err:
        explain_step(nn.LSTM(1, 3), np.zeros((4, 2, 1), np.float32), 0)
    assert err.value.key == "teach.cell.batched"


@pytest.mark.parametrize("unit", [None, 1])
def test_worked_rows_name_the_state_each_line_ends_in(unit) -> None:
    """A row keyed "f" ends in the forget gate's value, "c" in the cell state's …: the key is set with the line."""
    step = tiny_worked_example().step
    rows = worked_rows(step, unit)
    assert [row.state for row in rows if row.state] == [*GATES, "c", "h"]
    for row in rows:
        last_number = re.findall(r"-?\d+\.\d+", row.tex)[-1]
        if row.state is not None:  # the line ends in that state's value (the last unit's, or the chosen unit's)
            value = step[row.state][-1 if unit is None else unit]
            assert last_number == f"{value:.3f}", (row.state, row.tex)
        else:  # z or a pre-activation
            assert row.tex.startswith(("z", r"\begin{aligned} a_", "a_")), row.tex
