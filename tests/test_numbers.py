"""Numbers for people: fixed decimals per magnitude, thousands separators, no exponent, no SI prefix."""
from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_viz.numbers import MISSING, d3_format, decimals, format_number, shared_decimals


@pytest.mark.parametrize("x, text", [
    (7.239e-05, "0.0000724"),
    (0.05942, "0.0594"),
    (0.0137, "0.0137"),
    (0.5, "0.500"),
    (3.14159, "3.14"),
    (12.345, "12.3"),
    (99.96, "100"),  # rounds into the next magnitude: no "100.0"
    (344, "344"),
    (1000, "1,000"),
    (12345.6, "12,346"),
    (-0.05942, "-0.0594"),
    (0, "0"),
    (1e-12, "0"),
    (-1e-12, "0"),  # never "-0"
])
def test_format_number_reads_like_a_person_writes(x, text):
    assert format_number(x) == text


@pytest.mark.parametrize("x", [float("nan"), float("inf"), -float("inf"), None, "abc"])
def test_missing_numbers_are_a_dash(x):
    assert format_number(x) == MISSING


def test_no_exponent_and_no_si_prefix_over_many_magnitudes():
    for power in range(-8, 9):
        for mantissa in (1.0, 2.5, 7.239):
            text = format_number(mantissa * 10.0 ** power)
            assert "e" not in text.lower() and not any(p in text for p in "μµkMG"), text
            if abs(mantissa * 10.0 ** power) >= 1e-6:  # three significant digits survive
                value = float(text.replace(",", ""))
                assert math.isclose(value, mantissa * 10.0 ** power, rel_tol=6e-3), (text, mantissa, power)


def test_counts_have_no_decimals():
    assert format_number(30) == "30" and format_number(np.int64(1000)) == "1,000"
    assert format_number(30.0) == "30.0"  # a measured 30 keeps its three significant digits


def test_places_lines_up_a_column():
    assert [format_number(x, places=2) for x in (1, 22.5, 1234.567)] == ["1.00", "22.50", "1,234.57"]


def test_decimals_by_magnitude():
    assert [decimals(x) for x in (0.001234, 0.01234, 0.1234, 1.234, 12.34, 123.4, 1234)] == [5, 4, 3, 2, 1, 0, 0]
    assert decimals(0) == 0 and decimals(float("nan")) == 0
    assert decimals(1e-30) == 8  # capped


def test_shared_decimals_and_d3_format():
    passengers = np.array([104, 118, 622, 432], dtype=np.float32)
    assert d3_format(passengers) == ",.0f"
    loss = np.array([0.5, 0.2, 0.0137, np.nan])
    assert shared_decimals(loss, at="median") == 3
    assert shared_decimals(loss, at="smallest") == 4  # read at the end of training, where it is smallest
    assert d3_format(loss, at="smallest") == ",.4f"
    assert d3_format([]) == ",.0f" and d3_format([0.0, np.nan]) == ",.0f"
    with pytest.raises(ValueError):
        shared_decimals(loss, at="largest")


def test_words_agree_with_their_number():
    from lstm_viz.i18n import tr

    one = tr("ws.model.done", epoch=1, hidden=1, layers=1, window=3, data="x", train_loss="0.1", val_loss="0.2")
    assert one.startswith("Trained: 1 epoch, 1 unit × 1 layer, window 3")
    many = tr("ws.model.done", epoch="1,000", hidden=16, layers=2, window=3, data="x", train_loss="0.1", val_loss="0.2")
    assert many.startswith("Trained: 1,000 epochs, 16 units × 2 layers")
    assert tr("eval.split.note", n_fit=100, val=1, test=12).startswith(
        "Training part: 100 points (the model learns from them). Validation part: 1 point (")
    assert tr("data.note.dropped_ends", n=1) == "1 point with missing values at the start or end was left out."
    assert "[[" not in tr("ws.model.done", "zh", epoch=1, hidden=1, layers=1, window=3, data="x",
                          train_loss="0.1", val_loss="0.2")


def test_figures_write_numbers_for_people():
    """Every axis: no SI prefix or exponent, thousands grouped, log axes labelled in full; hovers use d3_format."""
    from lstm_viz.figures import forecast_figure, loss_figure, series_figure
    from lstm_viz.figures_teach import loss_curves_figure

    passengers = np.linspace(104, 622, 48)
    loss = np.geomspace(0.5, 7.2e-5, 30)
    figs = {
        "series": series_figure(None, passengers, 36),
        "forecast": forecast_figure(None, passengers, 36, test_pred=passengers[36:]),
        "loss": loss_figure(np.arange(1, 31), loss, loss * 2),
        "compare": loss_curves_figure({"lstm": (np.arange(1, 31), loss, None)}),
    }
    for name, fig in figs.items():
        axes = [fig.layout[a] for a in fig.layout if a.startswith(("xaxis", "yaxis"))]
        assert axes, name
        for axis in axes:
            assert (axis.exponentformat, axis.separatethousands, axis.minorloglabels) == ("none", True, "complete"), name
    assert "%{y:,.0f}" in figs["forecast"].data[-1].hovertemplate  # passengers: whole numbers
    assert "%{y:,.0f}" in figs["series"].data[0].hovertemplate
    assert "%{y:,.7f}" in figs["loss"].data[0].hovertemplate  # 0.0000720: three significant digits at the end
    assert "MSE" in figs["loss"].layout.yaxis.title.text
