"""The two gate animations: through time (a cursor walks the steps) and through training (epochs).

Both stack the input series above one heatmap per state (units × time) on one
shared time axis. Frames carry only what changes, named by ``go.Frame.traces``:
through time, the cursor (layout shapes) and the bars of the vectors at step t
(the heatmaps are sent once); through training, the heatmaps' ``z`` per snapshot.

Every frame is drawn in full (``redraw: true``) and carries no trace type that
plotly.js animates (scatter, bar). Its fast path (``redraw: false``) re-plots
only the frame's animatable traces and removes every other trace layer of every
subplot (``plots/cartesian`` ``plotOne``: the layers are rebuilt from the
frame's traces alone), so the heatmaps vanished on Play (plotly/plotly.js#4491,
#4596). A frame that lists an animatable trace is also re-plotted partially
before ``redraw: true`` draws it again, and the browser may paint in between,
so the heatmaps would blink: hence shapes for the cursor and ``histogram``
traces (one bin per unit, ``histfunc="sum"``) for the bars.
"""
from __future__ import annotations

import base64

import numpy as np
import plotly.io as pio
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_viz.errors import LensError
from lstm_viz.figures.gates import (
    bar_marker, bar_range, order_units, state_heatmap, state_names, state_title, step_index,
    unit_numbers, unit_ticks, unit_time,
)
from lstm_viz.figures.style import (
    COLOURS, ROW_GAP_PX, cell_edges, f32, style_figure, time_axis, time_labels, value_colours,
    when_word,
)
from lstm_viz.i18n import tr
from lstm_viz.recorder import SIGMOID_STATES, LayerTrace

# One colour per input line when a model reads several (Okabe–Ito: tell-apart for colour-blind eyes too);
# the target first, in the data's own near-black.
INPUT_COLOURS: tuple[str, ...] = (COLOURS["actual"], "#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9",
                                  "#D55E00", "#999933", "#882255")
LEGEND_LINE_PX = 16  # one line of the input row's legend (11 px text)
MAX_TIME_FRAMES = 200
# The training animation's JSON stays under this; beyond it, snapshots are thinned evenly.
MAX_TRAINING_BYTES = 5_000_000
INPUT_ROW_PX = 130
UNIT_TICK_PX = 20  # vertical room one unit label needs; a short row gets fewer labels, never overlapping ones
MARGIN_TOP_PX, MARGIN_BOTTOM_PX, MARGIN_BOTTOM_STATIC_PX = 92, 206, 72


# ---------------------------------------------------------------- shared layout

def _refs(fig: go.Figure, row: int, col: int) -> tuple[str, str]:
    """Return the layout names of the x and y axes of one subplot, e.g. ("xaxis3", "yaxis3")."""
    sub = fig.get_subplot(row, col)
    return sub.xaxis.plotly_name, sub.yaxis.plotly_name


def _short(axis_name: str) -> str:
    return axis_name.replace("axis", "")  # "xaxis3" -> "x3", as traces and `matches` refer to it


def _gate_grid(names, row_px: int, bars: bool, title: str, controls: bool,
               edges, is_datetime: bool, lang: str) -> go.Figure:
    """Return the styled empty grid: the input row, one row per state, and an optional bar column.

    The left column shares one time axis spanning exactly the cells
    (``edges``: n+1 cell edges), labelled on the bottom row only.
    """
    n = len(names)
    plot_px = INPUT_ROW_PX + n * row_px + n * ROW_GAP_PX
    specs = [[{}, None]] + [[{}, {}] for _ in range(n)] if bars else [[{}] for _ in range(n + 1)]
    fig = make_subplots(
        rows=n + 1, cols=2 if bars else 1, specs=specs,
        row_heights=[INPUT_ROW_PX] + [row_px] * n,
        column_widths=[0.8, 0.2] if bars else None,
        vertical_spacing=ROW_GAP_PX / plot_px, horizontal_spacing=0.03 if bars else None,
    )
    bottom = MARGIN_BOTTOM_PX if controls else MARGIN_BOTTOM_STATIC_PX
    style_figure(fig, title, height=plot_px + MARGIN_TOP_PX + bottom, legend=False)
    fig.update_layout(margin=dict(t=MARGIN_TOP_PX, b=bottom, r=104), hovermode="closest", bargap=0.08)
    fig.update_xaxes(showgrid=False)
    bottom_x, _ = _refs(fig, n + 1, 1)
    for row in range(1, n + 1):
        x_name, _ = _refs(fig, row, 1)
        fig.layout[x_name].update(matches=_short(bottom_x), showticklabels=False)
    fig.layout[bottom_x].update(range=[edges[0], edges[-1]],
                                title_text=tr(f"fig.axis.{when_word(is_datetime)}", lang))
    return fig


def _row_title(fig: go.Figure, row: int, col: int, text: str, size: int = 13) -> None:
    x_name, y_name = _refs(fig, row, col)
    fig.add_annotation(text=text, xref="paper", yref="paper", x=fig.layout[x_name].domain[0],
                       y=fig.layout[y_name].domain[1], xanchor="left", yanchor="bottom",
                       showarrow=False, font=dict(size=size), align="left")


def _input_row(fig: go.Figure, xs, x_input: np.ndarray, is_datetime: bool, lang: str,
               input_names=None) -> None:
    """Draw the input series in row 1, on a fixed y range: one named line per input when they are named.

    Named inputs (a model reading covariates) are drawn scaled, as the model reads them,
    so lines of different units share one axis; the row title is their legend.
    """
    n_inputs = x_input.shape[1]
    if input_names is not None and len(input_names) != n_inputs:
        raise LensError("figures.length", what="input_names", got=len(input_names), expected=n_inputs)
    when = tr(f"fig.hover.{when_word(is_datetime)}", lang, x="%{x}")
    for k in range(n_inputs):
        if input_names is not None:
            name = str(input_names[k])
        else:
            name = tr("fig.gates.input_feature", lang, k=k) if n_inputs > 1 else "x"
        colour = INPUT_COLOURS[k % len(INPUT_COLOURS)] if n_inputs > 1 else COLOURS["actual"]
        fig.add_trace(go.Scatter(
            x=xs, y=x_input[:, k], mode="lines", showlegend=False, name=name,
            line=dict(color=colour, width=1.5),
            hovertemplate=f"{when}<br><b>{_html(name)} = %{{y:.4f}}</b><extra></extra>",
        ), row=1, col=1)
    lo, hi = float(np.nanmin(x_input)), float(np.nanmax(x_input))
    pad = 0.08 * (hi - lo) or 0.5
    fig.update_yaxes(range=[lo - pad, hi + pad], row=1, col=1)
    if input_names is None or n_inputs == 1:
        _row_title(fig, 1, 1, f"<b>{tr('fig.gates.input', lang)}</b>")
        return
    keys = [f"<span style='color:{INPUT_COLOURS[k % len(INPUT_COLOURS)]}'>━ {_html(str(name)[:24])}</span>"
            for k, name in enumerate(input_names)]
    # Two names a line under the title: the row's legend fits a phone's narrow plot.
    legend = "<br>".join("  ".join(keys[k : k + 2]) for k in range(0, len(keys), 2))
    _row_title(fig, 1, 1, f"<b>{tr('inputs.fig.scaled', lang)}</b><br><span style='font-size:11px'>{legend}</span>")
    extra = LEGEND_LINE_PX * (len(keys) + 1) // 2  # the legend's lines, above the row: keep them off the title
    fig.update_layout(margin=dict(t=fig.layout.margin.t + extra), height=fig.layout.height + extra)


def _html(text: str) -> str:
    """Escape a column name for Plotly's small HTML subset (a name like ``a<b`` must not start a tag)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _colourbars(fig: go.Figure, names, heatmap_rows: dict[str, int], heat_traces: dict[str, int],
                lang: str) -> None:
    """Show one colour bar per kind (gates 0…1, values −1…1) beside the rows of that kind."""
    kinds = {"gate": [n for n in names if n in SIGMOID_STATES],
             "tanh": [n for n in names if n not in SIGMOID_STATES]}
    spans = {}
    for kind, members in kinds.items():
        if members:
            domains = [fig.layout[_refs(fig, heatmap_rows[m], 1)[1]].domain for m in members]
            spans[kind] = (min(d[0] for d in domains), max(d[1] for d in domains))
    if len(spans) == 2 and not (spans["gate"][1] <= spans["tanh"][0] or spans["tanh"][1] <= spans["gate"][0]):
        top, bottom = max(s[1] for s in spans.values()), min(s[0] for s in spans.values())
        middle = (top + bottom) / 2  # interleaved rows: split the column between the two bars
        spans = {"gate": (middle, top), "tanh": (bottom, middle)}
    titles = {"gate": tr("fig.gates.cbar_gate", lang),
              "tanh": tr("fig.gates.cbar_tanh_c" if "c" in names else "fig.gates.cbar_tanh", lang)}
    for kind, (y0, y1) in spans.items():
        fig.data[heat_traces[kinds[kind][0]]].update(showscale=True, colorbar=dict(
            x=1.01, xanchor="left", xref="paper", y=(y0 + y1) / 2, yanchor="middle", len=y1 - y0,
            lenmode="fraction", thickness=12, outlinewidth=0, tickfont=dict(size=11),
            tickvals=[0, 0.5, 1] if kind == "gate" else [-1, -0.5, 0, 0.5, 1],
            title=dict(text=titles[kind], side="right", font=dict(size=12)),
        ))


def _heatmap_rows(fig, layer, names, order, xs, is_datetime, lang, batch, row_px: int) -> dict[str, int]:
    """Draw one heatmap per state (rows 2…) and return state -> trace index."""
    positions, labels = unit_ticks(order, max_ticks=max(2, min(8, row_px // UNIT_TICK_PX)))
    traces = {}
    for k, name in enumerate(names):
        z = unit_time(layer, name, batch)[:, order].T  # (H, T), rows in display order
        fig.add_trace(state_heatmap(z, xs, order, name, is_datetime, lang), row=k + 2, col=1)
        traces[name] = len(fig.data) - 1
        fig.update_yaxes(tickvals=positions, ticktext=labels, autorange="reversed", showgrid=False,
                         title=dict(text=tr("fig.axis.unit", lang), font=dict(size=11)),
                         row=k + 2, col=1)
        _row_title(fig, k + 2, 1, state_title(name, lang))
    return traces


def _controls(fig: go.Figure, frame_names, labels, prefix: str, frame_ms: int, lang: str,
              active: int = 0) -> None:
    """Add play / pause buttons and a slider whose steps jump to the named frames.

    Every frame is a full redraw without transition (see the module docstring).
    """
    hop = dict(frame=dict(duration=0, redraw=True), transition=dict(duration=0), mode="immediate")
    play = dict(frame=dict(duration=frame_ms, redraw=True), transition=dict(duration=0),
                fromcurrent=True, mode="immediate")
    stop = dict(frame=dict(duration=0, redraw=True), transition=dict(duration=0), mode="immediate")
    fig.update_layout(
        updatemenus=[dict(
            type="buttons", direction="left", x=0.0, xanchor="left", y=0.0, yanchor="top",
            pad=dict(t=62, r=8), showactive=False, bgcolor="white", bordercolor="#c9c9d2",
            font=dict(size=12),
            buttons=[dict(label=tr("fig.play", lang), method="animate", args=[None, play]),
                     dict(label=tr("fig.pause", lang), method="animate", args=[[None], stop])],
        )],
        sliders=[dict(
            # Below the buttons, full width: beside them, its handle would slide under Pause on narrow screens.
            active=active, x=0.0, xanchor="left", len=1.0, y=0.0, yanchor="top",
            pad=dict(t=112, b=8), ticklen=3, minorticklen=0, tickcolor="#c9c9d2",
            bordercolor="#c9c9d2", bgcolor="#f1f1f5", activebgcolor=COLOURS["lstm"],
            # Dozens of tick labels would overlap; the current value above says where we are.
            font=dict(size=10, color="#6b6b76" if len(labels) <= 15 else "rgba(0,0,0,0)"),
            currentvalue=dict(prefix=prefix, xanchor="left", font=dict(size=14, color="#2b2b33")),
            transition=dict(duration=0),
            steps=[dict(method="animate", label=label, args=[[name], hop])
                   for name, label in zip(frame_names, labels)],
        )],
    )


def _prepare_input(x_input, n_steps: int) -> np.ndarray:
    x_input = f32(x_input)
    x_input = x_input.reshape(len(x_input), -1)
    if len(x_input) != n_steps:
        raise LensError("figures.length", what="x_input", got=len(x_input), expected=n_steps)
    return x_input


def frame_steps(n_steps: int, max_frames: int = MAX_TIME_FRAMES) -> np.ndarray:
    """Return the steps that get a frame: all of them, or ``max_frames`` evenly spaced (first and last kept)."""
    if n_steps <= max_frames:
        return np.arange(n_steps)
    return np.unique(np.linspace(0, n_steps - 1, max_frames).round().astype(int))


# ---------------------------------------------------------------- (a) through time

def gates_figure(
    layer: LayerTrace,
    x_input,
    time=None,
    names=None,
    unit_order: str = "index",
    lang: str = "en",
    animate: bool = True,
    step: int = 0,
    max_frames: int = MAX_TIME_FRAMES,
    frame_ms: int = 120,
    row_height: int = 160,
    batch: int = 0,
    input_names=None,
) -> go.Figure:
    """Draw every state as units × time under the input, with a cursor walking through the steps.

    Left: the input series, then one heatmap per state on the same time axis.
    Right: one bar chart per state showing its vector at the cursor's step,
    coloured like the heatmap and aligned with its rows. With ``animate``,
    play / pause and a slider move the cursor; frames carry only the cursor
    and the bars.

    Parameters
    ----------
    layer : LayerTrace
        Arrays of shape (T, H) (or (T, B, H); sample ``batch`` is shown).
    x_input : array of shape (T,) or (T, input_size)
        What the layer read at each step.
    input_names : sequence of str, optional
        One name per input column; given, each input is its own named line (see :func:`_input_row`).
    time : array of length T or pd.DatetimeIndex, optional
        Times of the steps; None means integer steps 0 … T−1.
    names : sequence of str, optional
        States to show, top to bottom (default f, i, o, g, c, h for an LSTM).
    unit_order : {"index", "mean", "variance"}
        Unit order for every heatmap, by the first state shown, largest on top.
    lang : str
        ``"en"`` or ``"zh"``.
    animate : bool
        Add frames, play / pause and a slider; otherwise a still at ``step``.
    step : int
        Step the cursor starts at.
    max_frames : int
        At most this many frames; long series are subsampled evenly.
    frame_ms : int
        Milliseconds per frame when playing.
    row_height : int
        Pixels per heatmap row.

    Returns
    -------
    go.Figure
    """
    names = state_names(layer, names)
    n_steps, n_units = unit_time(layer, names[0], batch).shape
    step = step_index(step, n_steps)
    x_input = _prepare_input(x_input, n_steps)
    xs, is_datetime = time_axis(time, n_steps)
    edges = cell_edges(xs, is_datetime)
    order = order_units(layer, names, unit_order, batch)
    states = {name: unit_time(layer, name, batch)[:, order] for name in names}  # (T, H) display order

    fig = _gate_grid(names, row_height, True, tr("fig.gates.title", lang, cell=layer.cell.upper()),
                     animate, edges, is_datetime, lang)
    _input_row(fig, xs, x_input, is_datetime, lang, input_names)
    heat = _heatmap_rows(fig, layer, names, order, xs, is_datetime, lang, batch, row_height)

    # The cursor: a band and a dot per input feature on the input, an outlined column on each heatmap.
    # Layout shapes, not traces, so that frames hold no animatable trace (see the module docstring).
    first_shape = len(fig.layout.shapes)
    y_input = _refs(fig, 1, 1)[1]

    def cursor(t: int) -> list[dict]:
        """Return the positions of the cursor's shapes at step t, in the order they are added below."""
        parts = [dict(x0=edges[t], x1=edges[t + 1])]
        parts += [dict(xanchor=xs[t], yanchor=float(v)) for v in x_input[t]]
        parts += [dict(x0=edges[t], x1=edges[t + 1]) for _ in names]
        return parts

    first = iter(cursor(step))
    fig.add_shape(type="rect", **next(first), xref="x", y0=0, y1=1, yref=f"{_short(y_input)} domain",
                  fillcolor=COLOURS["cursor_band"], line=dict(width=0), layer="below")
    for _ in range(x_input.shape[1]):
        fig.add_shape(type="circle", **next(first), xref="x", yref=_short(y_input), xsizemode="pixel",
                      ysizemode="pixel", x0=-4, x1=4, y0=-4, y1=4, fillcolor=COLOURS["cursor"],
                      line=dict(color="white", width=1.5))
    for k in range(len(names)):
        x_name, y_name = _refs(fig, k + 2, 1)
        fig.add_shape(type="rect", **next(first), xref=_short(x_name), y0=0, y1=1,
                      yref=f"{_short(y_name)} domain", line=dict(color=COLOURS["cursor"], width=1.5))

    # The vectors at the cursor: horizontal bars that line up with the heatmap rows. A histogram with
    # one bin per unit summing its one value draws each bar from 0, and plotly.js does not animate it.
    bar_traces = []
    for k, name in enumerate(names):
        vec = states[name][step]
        fig.add_trace(go.Histogram(
            x=vec, y=np.arange(n_units, dtype=np.int32), orientation="h", histfunc="sum",
            ybins=dict(start=-0.5, end=n_units - 0.5, size=1), marker=bar_marker(name, vec),
            customdata=unit_numbers(order), showlegend=False, name=name,
            hovertemplate=tr("fig.hover.unit", lang, u="%{customdata}") + f"<br><b>{name} = %{{x:.4f}}</b>"
                          "<extra></extra>",
        ), row=k + 2, col=2)
        bar_traces.append(len(fig.data) - 1)
        x_name, y_name = _refs(fig, k + 2, 2)
        heat_y = _refs(fig, k + 2, 1)[1]
        fig.layout[y_name].update(matches=_short(heat_y), showticklabels=False, showgrid=False)
        zero = 0.5 if name in SIGMOID_STATES else 0.0
        fig.layout[x_name].update(range=bar_range(layer, name, batch), tickfont=dict(size=10),
                                  nticks=3, showgrid=False)
        fig.add_vline(x=zero, line=dict(color="#c9c9d2", width=1, dash="dot"), row=k + 2, col=2)
    _row_title(fig, 2, 2, f"<b>{tr('fig.gates.bars', lang)}</b>", size=12)
    _colourbars(fig, names, {n: k + 2 for k, n in enumerate(names)}, heat, lang)

    if not animate:
        return fig

    steps = frame_steps(n_steps, max_frames)
    frame_names = [f"t{t}" for t in steps]
    # Plain dicts: validated once, on assignment (go.Frame objects would be validated twice). A frame's
    # shapes merge into the layout's by position: {} leaves a shape as it is.
    fig.frames = [
        dict(
            name=frame_name,
            data=[dict(type="histogram", x=states[name][t],
                       marker=dict(color=value_colours(name, states[name][t])))
                  for name in names],
            traces=bar_traces,
            layout=dict(shapes=[{}] * first_shape + cursor(t)),
        )
        for frame_name, t in zip(frame_names, steps)
    ]
    active = int(np.searchsorted(steps, step))
    _controls(fig, frame_names, time_labels(xs[steps], is_datetime),
              tr(f"fig.slider.{when_word(is_datetime)}", lang), frame_ms, lang=lang,
              active=min(active, len(steps) - 1))
    return fig


# ---------------------------------------------------------------- (b) through training

def _json_bytes(values: np.ndarray) -> int:
    """Return the JSON size of a float32 array as ``plotly.io.to_json`` writes it (base64).

    That writer escapes every "/" as "\\u002f" (six characters), and how many
    "/" a float32 array's base64 holds depends on its values, so count them.
    """
    text = base64.b64encode(f32(values).tobytes())
    return len(text) + 5 * text.count(b"/")


def thin_snapshots(n_snapshots: int, keep: int) -> np.ndarray:
    """Return indices of ``keep`` snapshots spread evenly, always the first and the last."""
    if keep >= n_snapshots:
        return np.arange(n_snapshots)
    return np.unique(np.linspace(0, n_snapshots - 1, max(2, keep)).round().astype(int))


def gates_training_figure(
    snapshots,
    x_input,
    time=None,
    names=None,
    unit_order: str = "index",
    lang: str = "en",
    max_bytes: int | None = MAX_TRAINING_BYTES,
    frame_ms: int = 350,
    row_height: int = 160,
    batch: int = 0,
    input_names=None,
) -> go.Figure:
    """Animate the gate heatmaps over training snapshots, so the gates can be watched organising.

    Each frame replaces the ``z`` of every heatmap with that epoch's values;
    the slider is labelled with the epoch. Units are ordered once, by the
    last snapshot, so a unit keeps its row for the whole animation.

    Parameters
    ----------
    snapshots : list of (int, LayerTrace)
        (epoch, trace of the same layer over the same input), oldest first.
        Arrays of shape (T, H) (or (T, B, H); sample ``batch`` is shown).
    x_input : array of shape (T,) or (T, input_size)
        The input the snapshots were recorded on.
    input_names : sequence of str, optional
        One name per input column, as for :func:`gates_figure`.
    time : array of length T or pd.DatetimeIndex, optional
        Times of the steps; None means integer steps.
    names : sequence of str, optional
        States to show, top to bottom (default f, i, o, g, c, h for an LSTM).
    unit_order : {"index", "mean", "variance"}
        Unit order, computed on the last snapshot.
    lang : str
        ``"en"`` or ``"zh"``.
    max_bytes : int or None
        Keep the figure's JSON under about this size by showing an evenly
        spread subset of snapshots (first and last always; the subtitle says
        so). None keeps every snapshot.
    frame_ms : int
        Milliseconds per frame when playing.
    row_height : int
        Pixels per heatmap row.

    Returns
    -------
    go.Figure
    """
    if not snapshots:
        raise LensError("figures.snapshots")
    last = snapshots[-1][1]
    names = state_names(last, names)
    n_steps, n_units = unit_time(last, names[0], batch).shape
    x_input = _prepare_input(x_input, n_steps)
    xs, is_datetime = time_axis(time, n_steps)
    order = order_units(last, names, unit_order, batch)

    fig = _gate_grid(names, row_height, False, tr("fig.gates.training_title", lang, cell=last.cell.upper()),
                     True, cell_edges(xs, is_datetime), is_datetime, lang)
    _input_row(fig, xs, x_input, is_datetime, lang, input_names)

    def z_of(trace: LayerTrace, name: str) -> np.ndarray:  # (H, T), rows in display order
        return f32(unit_time(trace, name, batch)[:, order].T)

    heat = _heatmap_rows(fig, snapshots[0][1], names, order, xs, is_datetime, lang, batch, row_height)
    _colourbars(fig, names, {n: k + 2 for k, n in enumerate(names)}, heat, lang)

    keep = np.arange(len(snapshots))
    if max_bytes is not None:
        # Measure, don't guess: the still figure, then the largest frame plus its slider step.
        still = len(pio.to_json(fig, validate=False)) + 2_000  # + buttons, subtitle
        per_frame = max(sum(_json_bytes(z_of(trace, name)) + 100 for name in names)
                        for _, trace in snapshots) + 300
        keep = thin_snapshots(len(snapshots), int((max_bytes - still) // per_frame))
    shown = [snapshots[k] for k in keep]
    if len(shown) < len(snapshots):
        fig.update_layout(title_subtitle=dict(
            text=tr("fig.gates.thinned", lang, shown=len(shown), total=len(snapshots)),
            font=dict(size=12, color=COLOURS["muted_text"])),
            margin=dict(t=fig.layout.margin.t + 18))

    frame_names = [f"e{k}" for k in keep]
    heat_traces = [heat[name] for name in names]
    fig.frames = [
        dict(name=frame_name,
             data=[dict(type="heatmap", z=z_of(trace, name)) for name in names],
             traces=heat_traces)
        for frame_name, (epoch, trace) in zip(frame_names, shown)
    ]
    _controls(fig, frame_names, [str(epoch) for epoch, _ in shown], tr("fig.slider.epoch", lang),
              frame_ms, lang=lang)
    return fig
