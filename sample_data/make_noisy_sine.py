"""Write ``noisy_sine.csv``: a sine wave with Gaussian noise, fully reproducible.

    value[t] = sin(2π t / PERIOD) + NOISE · ε[t],   ε[t] ~ N(0, 1),   t = 0 … N_POINTS-1

with ε drawn from ``numpy.random.default_rng(SEED)``. Values are written with
four decimals and "\\n" line ends, so the same numpy gives a byte-identical file.

Usage: ``python sample_data/make_noisy_sine.py [OUTPUT_CSV]`` (default: beside this script).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 0
N_POINTS = 400
PERIOD = 25
NOISE = 0.1


def make_noisy_sine(path: Path) -> None:
    """Write the ``t,value`` CSV to ``path``."""
    rng = np.random.default_rng(SEED)
    t = np.arange(N_POINTS)
    value = np.sin(2 * np.pi * t / PERIOD) + NOISE * rng.standard_normal(N_POINTS)
    lines = ["t,value"] + [f"{step},{v:.4f}" for step, v in zip(t, value)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


if __name__ == "__main__":
    default = Path(__file__).resolve().parent / "noisy_sine.csv"
    make_noisy_sine(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
