"""A lesson link: a sample, its split and the training settings, written as URL query parameters.

A teacher sets up a lesson (a sample on the Data page, the test part, the
settings on the Train page) and copies a link such as::

    https://lens.example.org/train?lesson=1&sample=airline&test_size=12&horizon=12&hidden_size=16&…

Every student who opens it gets a fresh workspace with exactly that setup,
ready to press Train. The parameters are a flat dict of named fields
(:data:`FIELDS`), so adding one later (a validation size, say) is one entry.
A link carries no session token (:data:`lstm_viz.workspace.store.TOKEN_PARAM`):
each student's work stays their own.

Parsing never raises: a value that is missing takes its default quietly; one
that is malformed, out of range, not offered by the Train page or does not fit
the sample is replaced by its default and reported as a
:class:`~lstm_viz.errors.LensError` in the returned list, which the page shows.

Names are :class:`~lstm_viz.config.Config`'s, bounds are :data:`~lstm_viz.config.LIMITS`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from lstm_viz import config, samples
from lstm_viz.budget import check_split_budget
from lstm_viz.config import LIMITS, Config
from lstm_viz.errors import LensError
from lstm_viz.transforms import TRANSFORMS, diff_lags
from lstm_viz.windows import split_series
from lstm_viz.workspace import datasets
from lstm_viz.workspace.state import Dataset, Workspace
from lstm_viz.workspace.store import TOKEN_PARAM

LESSON_PARAM = "lesson"  # present in every lesson link; its value is the format's version
VERSION = "1"
SETTINGS: tuple[str, ...] = ("hidden_size", "num_layers", "dropout", "window", "epochs", "lr", "batch_size", "seed",
                             "patience")
MAX_TEXT = 40  # longer values are tampered with: never parsed, shown cut
IGNORED = {TOKEN_PARAM, "embed", "embed_options"}  # may share the URL with a lesson; not its fields

Lesson = dict[str, Any]  # field name -> value; a field that is absent takes its default


@dataclass(frozen=True)
class Field:
    """One lesson parameter: how its text is read and which values are allowed.

    Parameters
    ----------
    name : str
        The query parameter's name (a Config field's name for the settings).
    kind : type
        ``int``, ``float`` or ``str``.
    allowed : callable
        True for a value this field may hold.
    describe : str
        The allowed values, for the message (``"1 … 512"``).
    """

    name: str
    kind: type
    allowed: Callable[[Any], bool]
    describe: str


def _range_text(kind: type, low: float, high: float) -> str:
    return f"{kind(low)} … {kind(high)}" if kind is int else f"{low:g} … {high:g}"


def _bounded(name: str, kind: type, low: float, high: float) -> Field:
    return Field(name, kind, lambda value: low <= value <= high, _range_text(kind, low, high))


FIELDS: dict[str, Field] = {
    field.name: field
    for field in (
        Field("sample", str, lambda key: key in samples.SAMPLES, ", ".join(samples.SAMPLES)),
        _bounded("test_size", int, 1, 10**9),  # fitted to the sample in apply()
        _bounded("val_size", int, 0, 10**9),  # fitted to the sample in apply()
        _bounded("horizon", int, 1, config.MAX_HORIZON),
        Field("transform", str, lambda kind: kind in TRANSFORMS, ", ".join(TRANSFORMS)),
        _bounded("diff", int, 0, LIMITS["window"][1]),
        *(_bounded(name, int if name not in ("dropout", "lr") else float, *LIMITS[name]) for name in SETTINGS),
    )
}


def is_lesson(query: Mapping[str, Any]) -> bool:
    """Return True if the URL's query parameters are a lesson link's."""
    return LESSON_PARAM in query


def _text(value: Any) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


def to_query(lesson: Lesson) -> dict[str, str]:
    """Return the query parameters of ``lesson``, in :data:`FIELDS` order (never a session token)."""
    return {LESSON_PARAM: VERSION, **{name: _text(lesson[name]) for name in FIELDS if name in lesson}}


def from_setup(dataset: Dataset, cfg: Config) -> Lesson:
    """Return the lesson for a workspace's current setup: its sample, split and settings.

    Raises
    ------
    LensError
        ``ws.lesson.not_sample`` if the data set is an upload, or a sample read
        with other columns than it is shipped with (a link can carry only a sample's name).
    """
    sample = samples.SAMPLES.get(dataset.name) if dataset.source == "sample" else None
    if sample is None or (dataset.target, dataset.series_name) != (sample.target, sample.series_name):
        raise LensError("ws.lesson.not_sample")
    return {"sample": dataset.name, "test_size": dataset.test_size, "val_size": dataset.val_size,
            "horizon": dataset.horizon, "transform": cfg.transform, "diff": cfg.diff,
            **{name: getattr(cfg, name) for name in SETTINGS}}


def _read(field: Field, raw: Any) -> Any:
    """Return the value of ``raw`` (one query value) for ``field``; raise ValueError when it is not one."""
    if not isinstance(raw, str) or len(raw) > MAX_TEXT:
        raise ValueError(raw)
    if field.kind is str:
        value: Any = raw
    elif field.kind is int:
        value = int(raw)
    else:
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(raw)
    if not field.allowed(value):
        raise ValueError(raw)
    return value


def _shown(raw: Any) -> str:
    text = ", ".join(map(str, raw)) if isinstance(raw, (list, tuple)) else str(raw)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def parse_query(query: Mapping[str, Any], limits: Mapping[str, tuple[float, float]] | None = None,
                choices: Mapping[str, Sequence] | None = None) -> tuple[Lesson, list[LensError]]:
    """Read a lesson from URL query parameters; never raises.

    Parameters
    ----------
    query : mapping
        Parameter name -> value, or -> list of values (a name given twice is tampered with).
    limits : mapping, optional
        Tighter (low, high) bounds for some fields, e.g. the Train page's longest window slider.
    choices : mapping, optional
        The only values some fields may take, e.g. the Train page's learning rates.

    Returns
    -------
    lesson : dict
        The valid fields; a field left out takes its default when applied.
    notes : list of LensError
        One per field that was invalid (its default is used) and one naming unknown parameters.
    """
    limits, choices = limits or {}, choices or {}
    lesson: Lesson = {}
    notes: list[LensError] = []
    for name, field in FIELDS.items():
        if name not in query:
            continue
        raw = query[name]
        if isinstance(raw, (list, tuple)) and len(raw) == 1:
            raw = raw[0]
        describe = field.describe
        if name in limits:
            describe = _range_text(field.kind, *limits[name])
        if name in choices:
            describe = ", ".join(_text(choice) for choice in choices[name])
        try:
            value = _read(field, raw)
            if name in limits and not limits[name][0] <= value <= limits[name][1]:
                raise ValueError(raw)
            if name in choices and value not in choices[name]:
                raise ValueError(raw)
        except (ValueError, OverflowError):
            notes.append(LensError("ws.lesson.field", name=name, value=_shown(raw), allowed=describe))
            continue
        lesson[name] = value
    unknown = sorted(str(key) for key in query if key not in FIELDS and key not in IGNORED and key != LESSON_PARAM)
    if unknown:
        notes.append(LensError("ws.lesson.unknown", names=_shown(unknown)))
    return lesson, notes


def apply(ws: Workspace, lesson: Lesson) -> list[LensError]:
    """Load ``lesson`` into a fresh workspace: its sample, split and settings in ``ws.cfg``.

    Values that do not fit the sample (a test part or window too long for it)
    or a run over the compute budget fall back to the sample's own defaults,
    each with a note. The lesson's window becomes the data set's suggested
    window, so the Train page starts from it.

    Returns
    -------
    list of LensError
        What was replaced by a default, to show the student.
    """
    notes: list[LensError] = []
    dataset = datasets.load_sample(ws, lesson.get("sample", datasets.DEFAULT_SAMPLE))
    test_size = lesson.get("test_size", dataset.test_size)
    if test_size > datasets.max_test_size(dataset):
        notes.append(LensError("ws.lesson.test_size", test_size=test_size, n=dataset.n_points,
                               high=datasets.max_test_size(dataset), default=dataset.test_size))
        test_size = dataset.test_size
    datasets.set_split(ws, test_size, lesson.get("horizon", dataset.horizon))
    val_size = lesson.get("val_size", dataset.val_size)
    if val_size > datasets.max_val_size(dataset):
        notes.append(LensError("ws.lesson.val_size", val_size=val_size, n=dataset.n_points,
                               high=datasets.max_val_size(dataset), default=dataset.val_size))
        val_size = dataset.val_size
    datasets.set_split(ws, test_size, dataset.horizon, val_size)
    base = datasets.recommended_config(dataset)
    longest = dataset.longest_window  # set_split above has set this split's parts
    base = base.replace(window=min(base.window, longest))
    cfg = base.replace(**{name: lesson[name] for name in (*SETTINGS, "transform", "diff") if name in lesson}).validate()
    if cfg.window > longest:
        notes.append(LensError("ws.lesson.window", window=cfg.window, high=longest, default=base.window))
        cfg = cfg.replace(window=base.window)
    if cfg.diff not in diff_lags(dataset.season):  # the Train page offers no other lag for this sample
        notes.append(LensError("ws.lesson.field", name="diff", value=cfg.diff,
                               allowed=", ".join(str(lag) for lag in diff_lags(dataset.season))))
        cfg = cfg.replace(diff=base.diff)
    try:
        split = split_series(dataset.series.values, cfg.window, test_size, val_size=dataset.val_size,
                             transform=cfg.transform, diff=cfg.diff)
    except LensError as err:  # e.g. a log of values at or below 0: the sample is read its own way instead
        notes.append(err)
        cfg = cfg.replace(transform=base.transform, diff=base.diff)
        split = split_series(dataset.series.values, cfg.window, test_size, val_size=dataset.val_size,
                             transform=cfg.transform, diff=cfg.diff)
    try:
        check_split_budget(cfg, split)
    except LensError:  # the budget's own message talks of settings the student did not choose
        notes.append(LensError("ws.lesson.budget"))
        cfg = base
    dataset.window = cfg.window
    ws.cfg = cfg
    return notes
