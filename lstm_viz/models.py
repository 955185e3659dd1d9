"""Forecasters: a recurrent core (LSTM, GRU or plain RNN) and a linear head.

The model reads a window of ``T`` past values and predicts the next one::

    x (T, B, input_size) --core--> h_T of the top layer (B, H) --head--> y_hat (B, output_size)

Tensors are time-first, as ``nn.LSTM`` expects with ``batch_first=False``.
"""
from __future__ import annotations

import torch
from torch import nn

from lstm_viz.config import DEFAULT_HIDDEN_SIZE, Config

_CORES: dict[str, type[nn.RNNBase]] = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class Forecaster(nn.Module):
    """A recurrent core followed by a linear head on its last hidden state.

    Parameters
    ----------
    cell : {"lstm", "gru", "rnn"}
        Which ``torch.nn`` recurrent module to use as the core.
    input_size, hidden_size, num_layers, dropout :
        Passed to the core unchanged (same names as ``nn.LSTM``).
    output_size : int
        Values predicted per window (1: the next step).

    Inputs: ``x`` of shape (T, B, input_size).
    Outputs: ``y_hat`` of shape (B, output_size).
    """

    def __init__(
        self,
        cell: str = "lstm",
        input_size: int = 1,
        hidden_size: int = DEFAULT_HIDDEN_SIZE,
        num_layers: int = 1,
        dropout: float = 0.0,
        output_size: int = 1,
    ) -> None:
        super().__init__()
        self.cell = cell
        # PyTorch warns when dropout is set on a single layer; it would do nothing there.
        self.core = _CORES[cell](
            input_size, hidden_size, num_layers, dropout=dropout if num_layers > 1 else 0.0
        )
        self.head = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Predict from a batch of windows: (T, B, input_size) -> (B, output_size)."""
        out, _ = self.core(x)
        return self.head(out[-1])

    def hidden_states(self, x: torch.Tensor) -> torch.Tensor:
        """Return the top layer's hidden state at every step: (T, B, H)."""
        out, _ = self.core(x)
        return out


def build_model(cfg: Config, output_size: int = 1) -> Forecaster:
    """Create a freshly initialised :class:`Forecaster` from ``cfg``, seeded by ``cfg.seed``."""
    torch.manual_seed(cfg.seed)
    return Forecaster(
        cell=cfg.cell,
        input_size=cfg.input_size,
        hidden_size=cfg.hidden_size,
        num_layers=cfg.num_layers,
        dropout=cfg.dropout,
        output_size=output_size,
    )


def count_parameters(model: nn.Module) -> int:
    """Return the number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
