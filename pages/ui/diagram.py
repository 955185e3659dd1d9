"""The LSTM cell drawn as a static SVG: the cell-state line on top, the four gates below it.

Only math symbols appear inside the picture (letters, σ, tanh, ×, +), so it
reads the same in every language; the page explains it in words underneath.
Colours match the gate heatmaps' legend order: f blue, i orange, g green, o purple.
"""
from __future__ import annotations

GATE_COLOURS: dict[str, str] = {"f": "#0072B2", "i": "#E69F00", "g": "#009E73", "o": "#CC79A7"}
CELL_COLOUR = "#D55E00"  # the cell state c, the long memory line
LINE = "#4a4a55"


def _gate(x: int, letter: str, fn: str) -> str:
    """A gate box centred at (x, 190) with its activation inside and its letter beside it."""
    colour = GATE_COLOURS[letter]
    return (
        f'<rect x="{x - 26}" y="172" width="52" height="36" rx="7" fill="{colour}" />'
        f'<text x="{x}" y="196" class="fn">{fn}</text>'
        f'<text x="{x + 34}" y="224" class="gate" fill="{colour}">{letter}</text>'
    )


def _op(x: int, y: int, symbol: str) -> str:
    """A pointwise operation: a small circle with × or + inside."""
    return (
        f'<circle cx="{x}" cy="{y}" r="14" fill="#ffffff" stroke="{LINE}" stroke-width="2" />'
        f'<text x="{x}" y="{y + 6}" class="op">{symbol}</text>'
    )


def lstm_cell_svg() -> str:
    """Return the diagram of one LSTM cell as an SVG document (about 720 × 360)."""
    line = f'stroke="{LINE}" stroke-width="2.2" fill="none" marker-end="url(#arrow)"'
    plain = f'stroke="{LINE}" stroke-width="2.2" fill="none"'
    cell = f'stroke="{CELL_COLOUR}" stroke-width="4" fill="none" marker-end="url(#arrow-c)"'
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 360" width="720" height="360" '
        'font-family="Inter, Helvetica, Arial, sans-serif">',
        "<defs>",
        f'<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{LINE}" /></marker>',
        f'<marker id="arrow-c" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{CELL_COLOUR}" /></marker>',
        "<style>"
        ".fn{font-size:17px;fill:#ffffff;text-anchor:middle;font-weight:600}"
        ".op{font-size:20px;fill:#222;text-anchor:middle;font-weight:700}"
        ".gate{font-size:19px;font-style:italic;font-weight:700;text-anchor:middle}"
        ".io{font-size:19px;font-style:italic;fill:#222;text-anchor:middle}"
        "</style>",
        "</defs>",
        # the cell
        '<rect x="90" y="36" width="540" height="262" rx="26" fill="#f5f6fa" stroke="#c9cbd6" stroke-width="2" />',
        # cell-state line c_{t-1} -> x (forget) -> + -> c_t
        f'<line x1="30" y1="80" x2="186" y2="80" stroke="{CELL_COLOUR}" stroke-width="4" />',
        f'<line x1="214" y1="80" x2="366" y2="80" stroke="{CELL_COLOUR}" stroke-width="4" />',
        f'<line x1="394" y1="80" x2="690" y2="80" {cell} />',
        # hidden state in, input in, the shared bus [h_{t-1}, x_t]
        f'<polyline points="30,270 150,270 520,270" {plain} />',
        f'<line x1="150" y1="340" x2="150" y2="274" {line} />',
        # bus up into the four gates
        *(f'<line x1="{x}" y1="270" x2="{x}" y2="212" {line} />' for x in (200, 300, 380, 500)),
        # f -> forget multiply
        f'<line x1="200" y1="172" x2="200" y2="98" {line} />',
        # i and g -> their product -> +
        f'<polyline points="300,172 300,140 362,140" {line} />',
        f'<line x1="380" y1="172" x2="380" y2="158" {line} />',
        f'<line x1="380" y1="126" x2="380" y2="98" {line} />',
        # c_t -> tanh -> x with o -> h_t
        f'<line x1="580" y1="80" x2="580" y2="114" {line} />',
        f'<line x1="580" y1="146" x2="580" y2="172" {line} />',
        f'<line x1="526" y1="190" x2="562" y2="190" {line} />',
        f'<line x1="594" y1="190" x2="690" y2="190" {line} />',
        _gate(200, "f", "σ"),
        _gate(300, "i", "σ"),
        _gate(380, "g", "tanh"),
        _gate(500, "o", "σ"),
        _op(200, 80, "×"),
        _op(380, 80, "+"),
        _op(380, 140, "×"),
        _op(580, 190, "×"),
        '<ellipse cx="580" cy="130" rx="30" ry="15" fill="#ffffff" stroke="#4a4a55" stroke-width="2" />',
        '<text x="580" y="136" class="op" style="font-size:15px;font-weight:600">tanh</text>',
        # labels
        f'<text x="46" y="68" class="io" fill="{CELL_COLOUR}">cₜ₋₁</text>',
        f'<text x="676" y="68" class="io" fill="{CELL_COLOUR}">cₜ</text>',
        '<text x="48" y="258" class="io">hₜ₋₁</text>',
        '<text x="172" y="342" class="io">xₜ</text>',
        '<text x="676" y="180" class="io">hₜ</text>',
        "</svg>",
    ]
    return "".join(parts)
