r"""What does each hidden unit do? Describe, search and switch off the units of a trained forecaster.

Three tools, after LSTMVis (Strobelt et al., 2018), for a model that reads a time series:

- :func:`describe_units`: each unit's Pearson correlation with simple features of the series
  (its level, its step-to-step change, the position in the season as :math:`\sin` and
  :math:`\cos` of the phase, and the trend), and how often its gates saturate; ranked so that
  the strongest relation comes first. A correlation says two lines move together, not that
  the unit *computes* that feature: the page says so, and :func:`ablate` lets a student test it.
- :func:`find_similar`: the other time ranges where the selected units behave as they do in a
  chosen range (the same on/off pattern around a threshold, or a nearby shape).
- :func:`ablate`: the test forecast and its error with one unit's hidden state switched off.

Every function takes arrays time-first, as :mod:`lstm_viz.recorder` returns them: a unit's
trace is ``h[:, unit]`` of a (T, H) array.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lstm_viz.errors import LensError
from lstm_viz.forecast import one_step_test, recursive_test
from lstm_viz.i18n import tr
from lstm_viz.metrics import rmse
from lstm_viz.numbers import format_number
from lstm_viz.windows import Split

# The features a unit is compared with, in the order a tie is broken.
FEATURES: tuple[str, ...] = ("level", "change", "season_sin", "season_cos", "trend")
SATURATION_LOW, SATURATION_HIGH = 0.05, 0.95  # a sigmoid gate below / above these is shut / wide open
PATTERN_MODES: tuple[str, ...] = ("shape", "threshold")
# How a correlation is put in words: |r| from STRONG_R "follows", from WEAK_R "loosely follows", below it
# "no clear relation". Cohen's rough bands (0.3 medium, 0.5 large) are for noisy data; a unit's h is a
# smooth function of the input, so "follows" is kept for the tighter 0.7.
STRONG_R, WEAK_R = 0.7, 0.3


# -- correlations ----------------------------------------------------------------------------------


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Return Pearson's correlation of two equally long arrays; NaN when either is constant or too short.

    Written out (rather than ``np.corrcoef``) so a constant unit gives NaN without a warning.
    """
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    if len(x) != len(y):
        raise LensError("units.length", got=len(y), expected=len(x))
    if len(x) < 3:
        return float("nan")
    dx, dy = x - x.mean(), y - y.mean()
    norm = np.sqrt(np.dot(dx, dx) * np.dot(dy, dy))
    # Below this, one of the lines is flat to float precision and any r would be noise.
    if norm <= 1e-12 * max(1.0, len(x)):
        return float("nan")
    return float(np.clip(np.dot(dx, dy) / norm, -1.0, 1.0))


def features(inputs: np.ndarray, positions: np.ndarray, season: int | None) -> dict[str, np.ndarray]:
    """Return the series features a unit is compared with, each of shape (T,) (NaN where undefined).

    Parameters
    ----------
    inputs : array (T,)
        What the model reads at each step (the series, or its transform).
    positions : int array (T,)
        Index of each step in the series: the phase and the trend count from the series' start.
    season : int or None
        Season length in steps; without one (None or < 2) there are no phase features.

    Returns
    -------
    dict
        ``level`` (the input), ``change`` (its first difference, NaN at the first step),
        ``season_sin`` / ``season_cos`` (:math:`\\sin, \\cos(2\\pi\\,t / s)`, only with a season)
        and ``trend`` (the time index).
    """
    inputs = np.asarray(inputs, np.float64)
    if inputs.ndim == 2:  # several input columns: the level is the first, the series forecast
        inputs = inputs[:, 0]
    t = np.asarray(positions, np.float64).reshape(-1)
    change = np.concatenate([[np.nan], np.diff(inputs)])
    out = {"level": inputs, "change": change}
    if season is not None and int(season) >= 2:
        phase = 2.0 * np.pi * t / int(season)
        out["season_sin"] = np.sin(phase)
        out["season_cos"] = np.cos(phase)
    out["trend"] = t
    return out


@dataclass(frozen=True)
class UnitDescription:
    """What one unit's hidden state goes with, and how often its gates saturate.

    Attributes
    ----------
    unit : int
        The unit's index in the layer (0-based).
    correlations : dict[str, float]
        Feature name (see :data:`FEATURES`) -> Pearson r of ``h[:, unit]`` with it (NaN: undefined).
    feature : str or None
        The feature with the largest |r|, None when every r is undefined (a constant unit).
    r : float
        Its correlation (NaN when ``feature`` is None).
    saturation : dict[str, float]
        Gate name -> share of steps where that gate of this unit is below
        :data:`SATURATION_LOW` or above :data:`SATURATION_HIGH`.
    """

    unit: int
    correlations: dict[str, float]
    feature: str | None
    r: float
    saturation: dict[str, float]

    @property
    def strength(self) -> float:
        """Return |r| of the strongest relation (0 for a constant unit), the ranking key."""
        return 0.0 if self.feature is None else abs(self.r)

    @property
    def most_saturated(self) -> tuple[str | None, float]:
        """Return the gate that saturates most often and its share, or (None, 0) without gates."""
        if not self.saturation:
            return None, 0.0
        name = max(self.saturation, key=lambda k: self.saturation[k])
        return name, self.saturation[name]


def describe_units(
    h: np.ndarray,
    inputs: np.ndarray,
    positions: np.ndarray,
    season: int | None = None,
    gates: dict[str, np.ndarray] | None = None,
) -> list[UnitDescription]:
    """Correlate every unit with the series' features and rank the units, strongest relation first.

    Parameters
    ----------
    h : array (T, H)
        The layer's hidden state over the series (:func:`lstm_viz.recorder.record`).
    inputs : array (T,)
        What the model reads at each step.
    positions : int array (T,)
        Index of each step in the series.
    season : int, optional
        Season length in steps (no phase features without one).
    gates : dict, optional
        Gate name -> (T, H) values after the sigmoid (``i``, ``f``, ``o`` of an LSTM).

    Returns
    -------
    list of UnitDescription
        One per unit, sorted by |r| of its strongest relation, largest first (ties: lower unit first).
    """
    h = np.asarray(h, np.float64)
    if h.ndim != 2:
        raise LensError("units.shape", shape=tuple(h.shape))
    feats = features(inputs, positions, season)
    if len(feats["level"]) != h.shape[0]:
        raise LensError("units.length", got=len(feats["level"]), expected=h.shape[0])
    described = []
    for unit in range(h.shape[1]):
        correlations = {}
        for name, feature in feats.items():
            known = np.isfinite(feature)
            correlations[name] = pearson(h[known, unit], feature[known])
        defined = [name for name in feats if np.isfinite(correlations[name])]
        best = max(defined, key=lambda name: abs(correlations[name]), default=None)
        saturation = {
            name: float(np.mean((values[:, unit] < SATURATION_LOW) | (values[:, unit] > SATURATION_HIGH)))
            for name, values in (gates or {}).items()
        }
        described.append(UnitDescription(unit, correlations, best,
                                         correlations[best] if best else float("nan"), saturation))
    # sorted() is stable: equal strengths keep the units' own order.
    return sorted(described, key=lambda d: -d.strength)


def say(described: UnitDescription, lang: str = "en") -> str:
    """Return one honest sentence about a unit, e.g. "Unit 7 follows the seasonal phase (sine) (r = 0.91)".

    The sentence names a correlation and nothing more: it never claims what the unit computes.
    """
    unit = described.unit
    if described.feature is None:
        return tr("units.say.constant", lang, unit=unit)
    feature = tr(f"units.feature.{described.feature}", lang)
    r = format_number(described.r, places=2)
    strength = abs(described.r)
    if strength < WEAK_R:
        return tr("units.say.weak", lang, unit=unit, feature=feature, r=r)
    how = ("follows" if strength >= STRONG_R else "loosely") + ("" if described.r > 0 else "_against")
    return tr(f"units.say.{how}", lang, unit=unit, feature=feature, r=r)


# -- pattern search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A time range where the selected units behave like they do in the query range.

    ``start`` and ``end`` index the trace's time axis, end exclusive; ``distance`` is 0 for a
    perfect match (threshold mode: the share of unit-steps on the other side of the threshold;
    shape mode: the root-mean-square gap between the standardised ranges).
    """

    start: int
    end: int
    distance: float


def _query(values: np.ndarray, start: int, end: int) -> tuple[np.ndarray, int, int]:
    values = np.asarray(values, np.float64)
    if values.ndim == 1:
        values = values[:, None]
    n_steps = values.shape[0]
    start, end = int(start), int(end)
    if values.ndim != 2 or values.shape[1] == 0:
        raise LensError("units.no_units")
    if not (0 <= start < end <= n_steps) or end - start < 2:
        raise LensError("units.range", start=start, end=end, n=n_steps)
    return values, start, end


def _standardised(windows: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Return each window minus its mean, over its spread, per unit: (n_windows, length, K).

    The spread is at least a quarter of the unit's spread over the whole series, so a nearly flat
    stretch stays nearly flat instead of having its noise blown up into a shape.
    """
    centred = windows - windows.mean(axis=1, keepdims=True)
    floor = np.maximum(0.25 * spread, 1e-9)
    return centred / np.maximum(windows.std(axis=1, keepdims=True), floor)


def find_similar(
    values: np.ndarray,
    start: int,
    end: int,
    mode: str = "shape",
    threshold: float = 0.0,
    max_distance: float | None = None,
    max_matches: int = 20,
    earliest: int = 0,
) -> list[Match]:
    """Find the other time ranges where the selected units behave as in ``values[start:end]``.

    Candidates are every range of the query's length; the best ones are kept greedily, never
    overlapping each other or the query, up to ``max_matches``.

    Parameters
    ----------
    values : array (T, K) or (T,)
        The selected units' traces (``h[:, units]``).
    start, end : int
        The query range, end exclusive, at least 2 steps.
    mode : {"shape", "threshold"}
        ``"threshold"`` (LSTMVis): each unit is *on* above ``threshold`` and *off* below; a match
        has the same on/off pattern, step by step, up to ``max_distance`` of the unit-steps
        (default 0.1). ``"shape"``: every range is standardised per unit (minus its mean, over its
        spread), so the same rise and fall matches at another level; a match is within
        ``max_distance`` root-mean-square of the query (default 0.5; two unrelated shapes are about
        1.4 apart).
    threshold : float
        The on/off level of ``"threshold"`` mode.
    max_distance : float, optional
        The largest distance kept (see ``mode``).
    max_matches : int
        At most this many ranges.
    earliest : int
        No match starts before this step (a replay from a zero state warms up over its first steps).

    Returns
    -------
    list of Match
        Sorted by start.
    """
    values, start, end = _query(values, start, end)
    if mode not in PATTERN_MODES:
        raise LensError("units.mode", mode=mode, allowed=", ".join(PATTERN_MODES))
    length, n_steps = end - start, values.shape[0]
    if mode == "threshold":
        signal = (values > threshold).astype(np.float64)
        limit = 0.1 if max_distance is None else float(max_distance)
    else:
        signal = values
        limit = 0.5 if max_distance is None else float(max_distance)
    # Every window of the query's length, as (n_windows, length, K), without copying.
    windows = np.lib.stride_tricks.sliding_window_view(signal, length, axis=0).transpose(0, 2, 1)
    if mode == "shape":
        windows = _standardised(windows, values.std(axis=0))
    query = windows[start]
    gaps = windows - query
    if mode == "threshold":
        distance = np.abs(gaps).mean(axis=(1, 2))  # share of unit-steps that disagree
    else:
        distance = np.sqrt((gaps ** 2).mean(axis=(1, 2)))
    taken = np.zeros(n_steps, bool)
    taken[start:end] = True
    distance = distance.copy()
    distance[:max(0, int(earliest))] = np.inf
    found: list[Match] = []
    for first in np.argsort(distance, kind="stable"):
        if len(found) >= max_matches or distance[first] > limit:
            break
        if taken[first:first + length].any():
            continue
        taken[first:first + length] = True
        found.append(Match(int(first), int(first + length), float(distance[first])))
    return sorted(found, key=lambda m: m.start)


# -- ablation -----------------------------------------------------------------------------------------


def ablated_model(model: nn.Module, unit: int, layer: int = -1) -> nn.Module:
    """Return a copy of ``model`` in which hidden unit ``unit`` of ``layer`` no longer reaches anything.

    Its hidden state ``h[unit]`` feeds two things: the next step of its own layer (a column of
    ``weight_hh``) and what reads the layer (the head's column, or a column of the next
    layer's ``weight_ih``). Zeroing those columns makes every reader see ``h[unit] = 0``; the
    unit's own cell still runs, unseen. ``model`` itself is left unchanged.
    """
    core = model.core
    if getattr(core, "bidirectional", False):
        raise LensError("units.bidirectional")
    layer = int(layer) % core.num_layers
    if not 0 <= int(unit) < core.hidden_size:
        raise LensError("units.unit", unit=int(unit), n=core.hidden_size)
    quiet = copy.deepcopy(model)
    with torch.no_grad():
        getattr(quiet.core, f"weight_hh_l{layer}")[:, unit] = 0.0
        reader = quiet.head.weight if layer == core.num_layers - 1 else getattr(quiet.core, f"weight_ih_l{layer + 1}")
        reader[:, unit] = 0.0
    return quiet


@dataclass(frozen=True)
class Ablation:
    """The test forecast with and without one unit (original units, float64 arrays of (test_size,)).

    ``one_step`` / ``recursive``: (with the unit, without it); ``rmse_one_step`` / ``rmse_recursive``: their
    test RMSE, the same pairs.
    """

    unit: int
    layer: int
    one_step: tuple[np.ndarray, np.ndarray]
    recursive: tuple[np.ndarray, np.ndarray]
    rmse_one_step: tuple[float, float]
    rmse_recursive: tuple[float, float]


def ablate(model: nn.Module, split: Split, unit: int, layer: int = -1) -> Ablation:
    """Forecast the test part with the model as it is and with ``unit`` switched off (:func:`ablated_model`).

    Parameters
    ----------
    model : Forecaster
    split : Split
        The split the model was trained on.
    unit : int
        Hidden unit index in ``layer``.
    layer : int
        Layer index (default: the top).

    Returns
    -------
    Ablation
    """
    quiet = ablated_model(model, unit, layer)
    actual = split.test_values
    one_step = (one_step_test(model, split), one_step_test(quiet, split))
    recursive = (recursive_test(model, split), recursive_test(quiet, split))
    return Ablation(
        unit=int(unit),
        layer=int(layer) % model.core.num_layers,
        one_step=one_step,
        recursive=recursive,
        rmse_one_step=(rmse(actual, one_step[0]), rmse(actual, one_step[1])),
        rmse_recursive=(rmse(actual, recursive[0]), rmse(actual, recursive[1])),
    )
