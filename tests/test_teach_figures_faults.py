"""Drawing faults of the teaching figures: a legend over a panel title, a line hidden under another, a misnamed gradient."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_viz.figures_teach import gradient_norm_figure, loss_curves_figure, task_accuracy_figure, task_curves_figure
from lstm_viz.i18n import LANGUAGES

CELLS = ("rnn", "gru", "lstm")


def test_the_loss_panels_name_themselves_inside_the_panel_clear_of_the_legend():
    epochs = np.arange(1, 21)
    fig = loss_curves_figure({c: (epochs, 1.0 / epochs, 1.2 / epochs) for c in CELLS})
    legend = fig.layout.legend
    # The legend sits above the plotting area: it hangs from under the title in the figure's own
    # coordinates, and the plot starts below it (tests/browser/test_screens.py checks no overlap by pixels) …
    assert legend.yref == "container" and legend.yanchor == "top" and fig.layout.margin.t > 0
    names = {a.text.replace("<b>", "").replace("</b>", ""): a for a in fig.layout.annotations}
    assert set(names) == {"RNN", "GRU", "LSTM"}
    for col, name in enumerate(("RNN", "GRU", "LSTM"), start=1):
        note = names[name]
        suffix = "" if col == 1 else str(col)
        # … and each panel's name inside its own panel (its axes' domain), hanging from the top.
        assert (note.xref, note.yref) == (f"x{suffix} domain", f"y{suffix} domain"), name
        assert note.yanchor == "top" and 0.0 < note.y <= 1.0, name


@pytest.mark.parametrize("make", [
    lambda same: task_accuracy_figure(np.arange(5), {c: same for c in CELLS}),
    lambda same: task_curves_figure([_Run(c, same) for c in CELLS]),
])
def test_a_gru_line_equal_to_the_lstm_line_stays_visible_around_it(make):
    fig = make(np.ones(5))  # GRU and LSTM both at 100 %
    traces = {trace.name: (k, trace) for k, trace in enumerate(fig.data) if trace.name in ("RNN", "GRU", "LSTM")}
    (k_gru, gru), (k_lstm, lstm) = traces["GRU"], traces["LSTM"]
    assert k_gru < k_lstm  # the LSTM is drawn on top …
    assert gru.line.width >= 2 * lstm.line.width  # … of a GRU band wide enough to show on both sides,
    assert gru.marker.size > lstm.marker.size and gru.marker.symbol != lstm.marker.symbol  # with other markers


class _Run:
    def __init__(self, cell, accuracy):
        self.cell, self.steps, self.accuracy_curve, self.lag = cell, np.arange(len(accuracy)), accuracy, 10


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("relative", [False, True])
def test_the_gradient_chart_names_the_prediction_not_a_loss(lang, relative):
    fig = gradient_norm_figure({c: np.geomspace(1, 1e-3, 8) for c in CELLS}, lang=lang, relative=relative)
    labels = [fig.layout.yaxis.title.text, *(trace.hovertemplate for trace in fig.data)]
    for text in labels:
        assert "∂ŷ/∂x" in text and "∂L" not in text, text
