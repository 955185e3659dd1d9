r"""Measure how far back an input still moves the prediction: the gradient norm against the lag.

For a model reading ``x_0 … x_{T-1}`` and its prediction :math:`\hat y` at the
last step (the default; any per-sample loss can be passed instead), the
influence of the input ``k`` steps back is

.. math::  g_k = \left\lVert \frac{\partial \hat y}{\partial x_{T-1-k}} \right\rVert ,
           \qquad k = 0 … T-1 .

Training sends a loss back through exactly this derivative,
:math:`\partial \mathcal L / \partial x = \partial \mathcal L / \partial \hat y \cdot \partial \hat y / \partial x`,
so the figures call it ∂ŷ/∂x, not ∂L/∂x: no loss is computed by default.

By the chain rule :math:`g_k` contains the product of ``k`` step Jacobians
:math:`\partial h_t / \partial h_{t-1}`. For a plain tanh RNN that product is
:math:`\prod \operatorname{diag}(1 - h_t^2) W_{hh}`, whose norm shrinks
geometrically when :math:`W_{hh}`'s largest singular value is below 1 — the
*vanishing gradient*: a loss cannot teach the RNN about inputs far back. The
LSTM's cell state adds a path :math:`\partial c_t / \partial c_{t-1} = \operatorname{diag}(f_t)`
that stays near 1 while the forget gate is open, so :math:`g_k` decays slowly.

Everything here is measured by autograd on a real batch; nothing is modelled.
"""
from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import torch
from torch import nn

from lstm_viz.errors import LensError
from lstm_viz.windows import make_windows


def _default_loss(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Per-sample output at the last step: a Forecaster's first prediction, or Σ_j h_{T-1,j} of a core."""
    if isinstance(model, nn.RNNBase):
        out, _ = model(x)
        return out[-1].sum(dim=-1)
    return model(x)[:, 0]


def grad_norm_by_lag(
    model: nn.Module,
    x: np.ndarray | torch.Tensor,
    loss_fn: Callable[[nn.Module, torch.Tensor], torch.Tensor] | None = None,
) -> np.ndarray:
    r"""Return :math:`\lVert \partial \mathcal L / \partial x_{T-1-k} \rVert` for every lag ``k``, batch-averaged.

    Parameters
    ----------
    model : Forecaster or nn.LSTM / nn.GRU / nn.RNN
        Evaluated in eval mode (no dropout); its mode is restored and its
        parameters' ``.grad`` are left untouched.
    x : array of shape (T, B, input_size)
        Input sequences, time-first.
    loss_fn : callable (model, x) -> tensor (B,), optional
        Per-sample loss. Sequences in a batch do not interact, so one backward
        pass of the sum gives each sample's own gradient. Default: the
        model's output at the last step (see :func:`_default_loss`).

    Returns
    -------
    float64 array of shape (T,)
        Entry ``k`` is the mean over the batch of the Euclidean norm of the
        gradient with respect to the input ``k`` steps before the last one
        (``k = 0`` is the last input).
    """
    x = torch.as_tensor(np.asarray(x, np.float32) if isinstance(x, np.ndarray) else x).float()
    if x.ndim != 3:
        raise LensError("teach.grad.shape", shape=tuple(x.shape))
    x = x.detach().clone().requires_grad_(True)
    loss_fn = loss_fn or _default_loss
    was_training = model.training
    model.eval()
    try:
        per_sample = loss_fn(model, x)
        (grad,) = torch.autograd.grad(per_sample.sum(), x)
    finally:
        model.train(was_training)
    norms = grad.detach().double().norm(dim=-1).mean(dim=1).numpy()  # (T,) in input time
    return np.ascontiguousarray(norms[::-1])


def gradient_profiles(models: Mapping[str, nn.Module], x: np.ndarray | torch.Tensor) -> dict[str, np.ndarray]:
    """Return :func:`grad_norm_by_lag` for several models on the same input, name -> (T,) float64."""
    return {name: grad_norm_by_lag(model, x) for name, model in models.items()}


def decay_per_step(norms: np.ndarray, lags: slice | None = None) -> float:
    r"""Return the factor by which the gradient norm shrinks per step of lag, fitted on a log scale.

    Fits :math:`\log_{10} g_k \approx a + b k` by least squares over ``lags``
    (default: every lag with a positive norm) and returns :math:`10^{b}`:
    0.5 means the gradient halves with each step back, 1.0 means no decay.
    """
    norms = np.asarray(norms, np.float64)
    k = np.arange(norms.size)[lags if lags is not None else slice(None)]
    g = norms[k]
    keep = g > 0
    if keep.sum() < 2:
        return float("nan")
    slope = np.polyfit(k[keep], np.log10(g[keep]), 1)[0]
    return float(10.0**slope)


def long_windows(scaled: np.ndarray, length: int, max_windows: int = 64) -> np.ndarray:
    """Cut the student's (scaled) series into windows of ``length`` steps for a gradient measurement.

    The trained model was fitted on short windows; reading longer ones asks how
    far back its loss could reach. Windows are spread evenly over the series.

    Parameters
    ----------
    scaled : array (N,)
        The series in model units, e.g. ``split.scaled[:split.n_train]``.
    length : int
        Steps per window, ``T``; must be below ``N``.
    max_windows : int
        At most this many windows, evenly spaced.

    Returns
    -------
    float32 array of shape (length, B, 1), ``B <= max_windows``
    """
    X, _ = make_windows(scaled, length)
    pick = np.unique(np.linspace(0, X.shape[1] - 1, min(max_windows, X.shape[1])).round().astype(int))
    return np.ascontiguousarray(X[:, pick])
