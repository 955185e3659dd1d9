"""The figure builders: colour ranges, animation frames, unit order, hover, payload size, i18n."""
from __future__ import annotations

import json
import re
import string
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
import torch
from torch import nn

from lstm_viz import figures as F
from lstm_viz.errors import LensError
from lstm_viz.figures.animation import UNIT_TICK_PX
from lstm_viz.figures.style import value_colours
from lstm_viz.i18n import TABLES
from lstm_viz.i18n import figures as fig_text
from lstm_viz.recorder import STATE_NAMES, LayerTrace, record, saturation

MB = 1_000_000


def _series(n: int) -> np.ndarray:
    t = np.arange(n)
    return (np.sin(t / 6) + 0.1 * np.cos(t / 2.3)).astype(np.float32)


@pytest.fixture(scope="module")
def lstm_trace():
    torch.manual_seed(0)
    x = _series(40)
    return record(nn.LSTM(1, 8), x[:, None]).layer(), x


@pytest.fixture(scope="module")
def lstm_fig(lstm_trace):
    layer, x = lstm_trace
    return F.gates_figure(layer, x)


def _heatmaps(fig):
    return [t for t in fig.data if t.type == "heatmap"]


def _synthetic(cell: str, n_steps: int, hidden: int, seed: int = 0, c_scale: float = 1.0) -> LayerTrace:
    rng = np.random.default_rng(seed)
    values = {}
    for name in STATE_NAMES[cell]:
        a = rng.standard_normal((n_steps, hidden)).astype(np.float32)
        if name in ("i", "f", "o", "r", "z"):
            values[name] = 1 / (1 + np.exp(-a))
        elif name == "c":
            values[name] = c_scale * a
        else:
            values[name] = np.tanh(a)
    return LayerTrace(cell, 0, 0, {k: v.astype(np.float32) for k, v in values.items()})


# ---------------------------------------------------------------- gates through time

def test_gates_figure_colour_ranges_and_order(lstm_trace, lstm_fig):
    layer, x = lstm_trace
    fig = lstm_fig
    heat = _heatmaps(fig)
    assert [h.name for h in heat] == ["f", "i", "o", "g", "c", "h"]  # forget first
    for h in heat:
        expected = (0.0, 1.0) if h.name in "ifo" else (-1.0, 1.0)
        assert (h.zmin, h.zmax) == expected and h.zauto is False
        first_colour = h.colorscale[0][1].lower()
        assert first_colour == ("#440154" if h.name in "ifo" else "rgb(5,48,97)")  # Viridis / RdBu_r
    assert sum(bool(h.showscale) for h in heat) == 2  # one colour bar per kind


def test_c_keeps_exact_values_beyond_the_clipped_colours():
    layer = _synthetic("lstm", 30, 6, c_scale=3.0)
    fig = F.gates_figure(layer, _series(30), animate=False)
    c = next(h for h in _heatmaps(fig) if h.name == "c")
    assert (c.zmin, c.zmax) == (-1.0, 1.0)
    assert np.abs(np.asarray(c.z)).max() > 1.5  # unclipped data, clipped colours
    assert np.allclose(np.asarray(c.z), layer["c"].T)
    assert "%{z:.4f}" in c.hovertemplate and "clipped" in c.hovertemplate


def test_hover_shows_unit_step_and_value(lstm_trace, lstm_fig):
    layer, x = lstm_trace
    fig = lstm_fig
    for h in _heatmaps(fig):
        assert "%{z:.4f}" in h.hovertemplate
        assert "unit %{customdata}" in h.hovertemplate and "step %{x}" in h.hovertemplate
    bars = [t for t in fig.data if t.type == "histogram"]
    assert len(bars) == 6
    assert all("%{x:.4f}" in b.hovertemplate and "unit %{customdata}" in b.hovertemplate for b in bars)


def test_time_frames_carry_only_cursor_and_bars(lstm_trace, lstm_fig):
    layer, x = lstm_trace
    fig = lstm_fig
    assert len(fig.frames) == 40
    heat_idx = {k for k, t in enumerate(fig.data) if t.type == "heatmap"}
    for frame in fig.frames:
        assert heat_idx.isdisjoint(frame.traces)
        # No trace type plotly.js animates (scatter, bar): those frames would wipe the heatmaps.
        assert {d.type for d in frame.data} == {"histogram"}
        assert len(frame.data) == len(frame.traces)
    # the cursor is layout shapes: an outlined column per heatmap, around step t
    edges = np.arange(41) - 0.5
    columns = [s for s in fig.frames[17].layout.shapes if s.x0 is not None][1:]
    assert len(columns) == 6 and all((s.x0, s.x1) == (edges[17], edges[18]) for s in columns)
    dot = next(s for s in fig.frames[17].layout.shapes if s.xanchor is not None)
    assert dot.xanchor == 17 and dot.yanchor == pytest.approx(x[17])
    bars_0 = [np.asarray(d.x) for d in fig.frames[0].data if d.type == "histogram"]
    bars_k = [np.asarray(d.x) for d in fig.frames[17].data if d.type == "histogram"]
    assert len(bars_0) == 6
    assert not np.allclose(bars_0[0], bars_k[0])
    # frame t shows exactly step t of the trace, in display order
    f_idx = [d.type for d in fig.frames[17].data].index("histogram")
    assert np.allclose(fig.frames[17].data[f_idx].x, layer["f"][17])
    # and its bar colours follow the heatmap colour scale
    assert list(fig.frames[17].data[f_idx].marker.color) == value_colours("f", layer["f"][17])


def test_controls_match_frames(lstm_trace, lstm_fig):
    layer, x = lstm_trace
    fig = lstm_fig
    slider = fig.layout.sliders[0]
    assert len(slider.steps) == len(fig.frames)
    assert [s.args[0][0] for s in slider.steps] == [f.name for f in fig.frames]
    assert slider.steps[5].label == "5"
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.method for b in buttons] == ["animate", "animate"]
    assert "Play" in buttons[0].label and "Pause" in buttons[1].label
    assert buttons[0].args[0] is None and list(buttons[1].args[0]) == [None]
    # every frame is redrawn in full (redraw: false would drop the heatmaps), with no transition
    for args in [buttons[0].args[1], buttons[1].args[1]] + [s.args[1] for s in slider.steps]:
        assert args["frame"]["redraw"] is True and args["transition"]["duration"] == 0
    assert buttons[0].args[1]["frame"]["duration"] > 0


def test_long_series_frames_are_capped():
    layer = _synthetic("lstm", 700, 4)
    fig = F.gates_figure(layer, _series(700), max_frames=200)
    assert len(fig.frames) == 200 == len(fig.layout.sliders[0].steps)
    assert fig.frames[0].name == "t0" and fig.frames[-1].name == "t699"


def test_static_gates_figure_has_no_animation(lstm_trace):
    layer, x = lstm_trace
    fig = F.gates_figure(layer, x, animate=False, step=7)
    assert not fig.frames and not fig.layout.sliders and not fig.layout.updatemenus
    bar = next(t for t in fig.data if t.type == "histogram")
    assert np.allclose(bar.x, layer["f"][7])


@pytest.mark.parametrize("row_px", [62, 100, 160])
def test_unit_labels_never_crowd_a_short_heatmap_row(row_px):
    layer = _synthetic("lstm", 12, 16)
    fig = F.gates_figure(layer, _series(12), animate=False, row_height=row_px)
    for heat in _heatmaps(fig):
        axis = fig.layout[heat.yaxis.replace("y", "yaxis", 1)]
        shown = len(axis.tickvals)
        assert 2 <= shown <= 8 and row_px / shown >= UNIT_TICK_PX  # room for each label's height
        assert list(axis.ticktext) == [str(v) for v in axis.tickvals]  # index order: labels are unit numbers


@pytest.mark.parametrize("how, stat", [("mean", np.mean), ("variance", np.var)])
def test_unit_order_sorts_every_heatmap_and_keeps_unit_numbers(lstm_trace, how, stat):
    layer, x = lstm_trace
    fig = F.gates_figure(layer, x, unit_order=how, animate=False)
    heat = _heatmaps(fig)
    first = np.asarray(heat[0].z)  # f, rows in display order
    assert np.all(np.diff(stat(first, axis=1)) <= 1e-7)  # largest on top
    order = np.asarray(heat[0].customdata)[:, 0].astype(int)
    assert sorted(order) == list(range(8))
    for h in heat:  # the same order everywhere, original numbers in hover and ticks
        assert np.array_equal(np.asarray(h.customdata)[:, 0], order)
        assert np.allclose(np.asarray(h.z), layer[h.name][:, order].T)
    axis = fig.layout[heat[0].yaxis.replace("y", "yaxis")]
    assert list(axis.ticktext) == [str(order[p]) for p in axis.tickvals]


def test_arrays_are_float32_and_sent_as_binary(lstm_trace, lstm_fig):
    layer, x = lstm_trace
    fig = lstm_fig
    assert all(np.asarray(h.z).dtype == np.float32 for h in _heatmaps(fig))
    data = json.loads(pio.to_json(fig))
    heat = [t for t in data["data"] if t["type"] == "heatmap"]
    assert all(h["z"]["dtype"] == "f4" and "bdata" in h["z"] for h in heat)
    bar = next(d for d in data["frames"][3]["data"] if d["type"] == "histogram")
    assert bar["x"]["dtype"] == "f4"


def test_datetime_time_axis():
    layer = _synthetic("lstm", 24, 5)
    dates = pd.date_range("2021-01-01", periods=24, freq="MS")
    fig = F.gates_figure(layer, _series(24), time=dates)
    assert fig.layout.sliders[0].steps[2].label == "2021-03-01"
    assert "time %{x}" in _heatmaps(fig)[0].hovertemplate
    data = json.loads(pio.to_json(fig))
    dot = next(s for s in data["frames"][2]["layout"]["shapes"] if "xanchor" in s)["xanchor"]
    assert dot.startswith("2021-03-01")
    bottom = fig.get_subplot(7, 1).xaxis.plotly_name
    assert data["layout"][bottom]["range"][0].startswith("2020-12-16")  # half a month before
    berlin = F.series_figure(dates.tz_localize("Europe/Berlin"), _series(24), 20)
    assert json.loads(pio.to_json(berlin))["data"][0]["x"][0].startswith("2021-01-01T00:00:00")  # wall time


@pytest.mark.parametrize("cell, core", [("gru", nn.GRU(1, 6)), ("rnn", nn.RNN(1, 6))])
def test_gru_and_rnn_traces(cell, core):
    x = _series(30)
    layer = record(core, x[:, None]).layer()
    fig = F.gates_figure(layer, x)
    assert [h.name for h in _heatmaps(fig)] == list(F.DEFAULT_ORDER[cell])
    assert len(fig.frames) == 30
    snaps = [(e, record(core, x[:, None]).layer()) for e in range(3)]
    assert len(F.gates_training_figure(snaps, x).frames) == 3
    assert len(F.unit_bars_figure(layer, 3).data) == len(F.DEFAULT_ORDER[cell])


def test_bad_arguments_are_refused(lstm_trace):
    layer, x = lstm_trace
    with pytest.raises(LensError) as err:
        F.gates_figure(layer, x, names=["f", "z"])
    assert err.value.key == "figures.state"
    with pytest.raises(LensError, match="unit order"):
        F.gates_figure(layer, x, unit_order="random")
    with pytest.raises(LensError):
        F.gates_figure(layer, x[:-1])
    with pytest.raises(LensError):
        F.unit_bars_figure(layer, 40)


# ---------------------------------------------------------------- gates through training

def _snapshots(n_snap: int, n_steps: int, hidden: int, seed: int = 0):
    torch.manual_seed(seed)
    core = nn.LSTM(1, hidden)
    x = _series(n_steps)
    snaps = []
    for epoch in range(n_snap):
        with torch.no_grad():
            for p in core.parameters():
                p.add_(0.05 * torch.randn_like(p))
        snaps.append((epoch * 5, record(core, x[:, None]).layer()))
    return snaps, x


def test_training_frames_replace_heatmaps():
    snaps, x = _snapshots(5, 30, 6)
    fig = F.gates_training_figure(snaps, x, unit_order="mean")
    heat_idx = [k for k, t in enumerate(fig.data) if t.type == "heatmap"]
    assert len(fig.frames) == 5 == len(fig.layout.sliders[0].steps)
    assert [s.label for s in fig.layout.sliders[0].steps] == ["0", "5", "10", "15", "20"]
    assert all(list(f.traces) == heat_idx for f in fig.frames)
    assert fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is True
    z0, z4 = np.asarray(fig.frames[0].data[0].z), np.asarray(fig.frames[4].data[0].z)
    assert not np.allclose(z0, z4)
    # the unit order comes from the last snapshot: its f rows are sorted by mean
    assert np.all(np.diff(z4.mean(axis=1)) <= 1e-7)
    order = np.asarray(fig.data[heat_idx[0]].customdata)[:, 0].astype(int)
    assert np.allclose(z0, snaps[0][1]["f"][:, order].T)
    for h in _heatmaps(fig):
        assert (h.zmin, h.zmax) == ((0.0, 1.0) if h.name in "ifo" else (-1.0, 1.0))


def test_training_figure_thins_to_its_byte_budget():
    snaps, x = _snapshots(12, 40, 8)
    fig = F.gates_training_figure(snaps, x, max_bytes=120_000)
    assert 2 <= len(fig.frames) < 12
    labels = [s.label for s in fig.layout.sliders[0].steps]
    assert labels[0] == "0" and labels[-1] == "55"  # first and last epoch always shown
    assert len(pio.to_json(fig)) <= 120_000
    assert "12" in fig.layout.title.subtitle.text
    with pytest.raises(LensError):
        F.gates_training_figure([], x)


def test_payload_of_a_realistic_case():
    """T=144 steps, H=32 units, 60 snapshots: both gate figures stay under 5 MB of JSON."""
    snaps, x = _snapshots(60, 144, 32)
    time_mb = len(pio.to_json(F.gates_figure(snaps[-1][1], x))) / MB
    train_fig = F.gates_training_figure(snaps, x)
    train_mb = len(pio.to_json(train_fig)) / MB
    print(f"\ngates_figure {time_mb:.2f} MB; gates_training_figure {train_mb:.2f} MB "
          f"({len(train_fig.frames)} of 60 snapshots)")
    assert time_mb <= 5 and train_mb <= 5
    assert len(train_fig.frames) >= 20


# ---------------------------------------------------------------- the other figures

def test_series_figure_shades_the_test_part():
    dates = pd.date_range("2020-01-01", periods=50, freq="D")
    fig = F.series_figure(dates, _series(50), 40)
    texts = [a.text for a in fig.layout.annotations]
    assert texts == ["train", "test"]
    assert len(fig.layout.shapes) == 2
    with pytest.raises(LensError):
        F.series_figure(None, _series(10), 11)


def test_loss_figure_handles_empty_and_live_arrays():
    empty = F.loss_figure([], [], [])
    assert empty.layout.yaxis.type == "log" and empty.layout.yaxis.minorloglabels == "complete"
    assert any("Waiting" in a.text for a in empty.layout.annotations)
    pio.to_json(empty)
    fig = F.loss_figure([1, 2, 3], [0.5, 0.3, 0.2], [0.6, np.nan, 0.4], log_y=False)
    assert fig.layout.yaxis.type == "linear"
    assert "epoch 3" in fig.data[2].name  # best validation marker, NaN skipped
    assert len(F.loss_figure([1], [0.5]).data) == 1


def test_forecast_figure_aligns_every_line():
    n, n_train, window = 60, 48, 8
    x, dates = _series(n), pd.date_range("2020-01-31", periods=n, freq="ME")
    fig = F.forecast_figure(
        dates, x, n_train, window=window, fitted=x[window:n_train], test_pred=x[n_train:],
        test_recursive=x[n_train:], future=np.zeros(6, np.float32),
        baselines={"last_value": x[n_train - 1:-1], "my_model": x[n_train:]}, show_baselines=False,
    )
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["fitted (train)"].x) == list(dates[window:n_train])
    assert list(by_name["one step ahead (test)"].x) == list(dates[n_train:])
    assert by_name["recursive (test)"].line.dash == "dash"
    naive = by_name["baseline: last value"]
    assert naive.line.dash == "dot" and naive.visible == "legendonly"
    assert "baseline: my_model" in by_name
    future_x = pd.DatetimeIndex(by_name["forecast beyond the data"].x)
    assert future_x[0] == pd.Timestamp("2025-01-31")  # continues the month ends
    with pytest.raises(LensError):
        F.forecast_figure(None, x, n_train, window=window, fitted=x[:10])


def test_unit_bars_and_saturation(lstm_trace):
    layer, _ = lstm_trace
    fig = F.unit_bars_figure(layer, 12, unit_order="mean")
    assert [b.name for b in fig.data] == ["f", "i", "o", "g", "c", "h"]
    assert list(fig.layout.yaxis.range)[0] < 0 <= 1 < list(fig.layout.yaxis.range)[1] < 1.1
    table = F.saturation_table(layer)
    assert list(table["state"]) == ["f", "i", "o"]
    assert np.allclose(table[["low", "middle", "high"]].sum(axis=1), 1)
    assert table.loc[0, "low"] == pytest.approx(saturation(layer["f"])[0])
    sat = F.saturation_figure(layer)
    assert sat.layout.barmode == "stack" and len(sat.data) == 3
    rnn = record(nn.RNN(1, 4), _series(10)[:, None]).layer()
    assert F.saturation_table(rnn).empty
    assert F.saturation_figure(rnn, lang="zh").layout.annotations[0].text == "普通 RNN 没有门控。"


def test_colours_follow_the_fixed_scales():
    assert value_colours("f", [0.0, 1.0, 2.0]) == ["#440154", "#fde725", "#fde725"]
    low, mid, high = value_colours("c", [-5.0, 0.0, 5.0])
    assert low == "#053061" and high == "#67001f" and mid.startswith("#f")


def test_figure_to_html_plays_offline(lstm_trace):
    layer, x = lstm_trace
    html = F.figure_to_html(F.gates_figure(layer, x))
    assert html.lstrip().lower().startswith("<!doctype html>") and len(html) > 3 * MB  # plotly.js inlined
    assert "Plotly.animate" not in html  # no auto-play


# ---------------------------------------------------------------- words

def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_figure_word_exists_in_both_languages(lstm_trace):
    assert fig_text.EN.keys() == fig_text.ZH.keys()
    for key in fig_text.EN:
        assert _fields(fig_text.EN[key]) == _fields(fig_text.ZH[key]), key
    source = "".join(p.read_text() for p in Path(F.__file__).parent.glob("*.py"))
    used = set(re.findall(r"""tr\(\s*["']((?:fig|figures)\.[\w.]+)["']""", source))
    names = {n for states in STATE_NAMES.values() for n in states}
    used |= {f"fig.state.{n}" for n in names} | {f"fig.hint.{n}" for n in names}
    used |= {f"fig.{kind}.{w}" for kind in ("axis", "hover", "slider") for w in ("step", "time")}
    assert used - TABLES["en"].keys() == set()  # an area module may hold its own figures' words (i18n/units.py)
    layer, x = lstm_trace
    zh = F.gates_figure(layer, x, lang="zh")
    assert zh.layout.title.text.startswith("LSTM 内部")
    assert "播放" in zh.layout.updatemenus[0].buttons[0].label


def test_the_train_pages_half_width_forecast_gets_a_short_title():
    x = _series(40)
    assert F.forecast_figure(None, x, 30).layout.title.text == "Forecast against the actual series"
    short = fig_text.EN["fig.forecast.title_short"]
    assert F.forecast_figure(None, x, 30, title=short).layout.title.text == short
    assert len(short) <= 24  # fits the 330 px column the Train page gives it (a 1400 px window)
