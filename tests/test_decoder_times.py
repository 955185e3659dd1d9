"""The decoder's gate panel puts each value it reads at that value's own time (not one step later)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lstm_viz import seq2seq
from lstm_viz.seq2seq import Seq2Seq, split_seq2seq


@pytest.mark.parametrize("origin", [0, 3])
def test_each_decoder_input_sits_at_the_time_of_the_value_it_reads(origin):
    torch.manual_seed(0)
    values = np.arange(60, dtype=np.float64) * 10.0 + 100.0  # value at index k is 100 + 10 k: easy to locate
    data = split_seq2seq(values, n_in=8, n_out=5, test_size=12)
    model = Seq2Seq(n_out=5, hidden_size=4, mode="decoder").eval()
    encoder, decoder = seq2seq.gate_panels(model, data, origin)
    first_target = int(data.origins[origin])

    # Encoder: it reads the N values before the first target, each at its own index.
    np.testing.assert_array_equal(encoder.positions, np.arange(first_target - 8, first_target))
    np.testing.assert_allclose(encoder.inputs, values[encoder.positions], rtol=1e-5)

    # Decoder: its first input is the last value read (index first_target - 1), then its forecasts of
    # first_target, first_target + 1 …, each shown at the time it is a value of.
    assert decoder.part == "decoder" and len(decoder.positions) == 5
    np.testing.assert_array_equal(decoder.positions, np.arange(first_target - 1, first_target + 4))
    assert decoder.inputs[0] == pytest.approx(values[first_target - 1], rel=1e-5)
    assert decoder.positions[0] == encoder.positions[-1]  # the hand-over: the same value at the same time
