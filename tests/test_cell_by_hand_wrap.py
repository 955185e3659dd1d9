"""One cell by hand: long sums and long vectors are broken into lines a laptop column can hold."""
from __future__ import annotations

import re

import numpy as np
import pytest

from lstm_viz.cell_by_hand import TERMS_PER_LINE, VALUES_PER_LINE, worked_lines
from lstm_viz.cell_step import explain_step, tiny_worked_example
from lstm_viz.config import Config
from lstm_viz.models import build_model


def rows(tex: str) -> list[str]:
    """The lines a reader sees: an aligned block split at its line breaks (no matrices in one-unit lines)."""
    body = tex.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    return body.split(r" \\ ")


@pytest.mark.parametrize("digits", [2, 3, 4, 6])
def test_a_32_unit_step_is_written_in_short_lines(digits):
    step = explain_step(build_model(Config(hidden_size=32, seed=0)),
                        np.random.default_rng(0).random((5, 1), np.float32), t=4, unit=0)
    lines = [tex for _, tex in worked_lines(step, 0, digits=digits, max_terms=6)]
    z_rows = rows(lines[0])
    assert len(z_rows) > 2  # 33 numbers do not fit on one line …
    numbers = [re.findall(r"\d+\.\d+", row) for row in z_rows]
    assert sum(len(found) for found in numbers) == 33  # … and none is lost
    assert max(len(found) for found in numbers) <= VALUES_PER_LINE
    for tex in lines[1:]:
        for row in rows(tex):
            assert row.count(r"\cdot") <= TERMS_PER_LINE, row
            numbers = re.findall(r"\d+\.\d+", row)
            assert len(numbers) <= 2 * TERMS_PER_LINE + 2, row
        assert tex.count("{") == tex.count("}")


def test_the_tiny_example_keeps_its_short_z_on_one_line():
    step = tiny_worked_example().step
    z_line = worked_lines(step)[0][1]
    assert z_line == r"z = [h_{t-1},\ x_t] = [0.100,\ 0.200,\ 0.300,\ 0.600,\ 0.700,\ 0.800]"
