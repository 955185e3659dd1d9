"""One student's session: the current series, the current model and the run in flight.

The Streamlit pages keep exactly one :class:`Workspace` in
``st.session_state["ws"]`` and change it only through the functions here, so
everything the app does between a click and a chart can be tested without a
browser. Nothing here imports Streamlit.

Two rules make the workspace hard to break:

- **A refusal changes nothing.** Every function that can raise
  :class:`~lstm_viz.errors.LensError` builds the new state first and assigns
  it last, so a bad upload or a bad setting leaves the previous data set and
  model in place.
- **A new run replaces the old model only once it has one.** :func:`start_run`
  creates a *candidate*; it is trained in time slices, either by the caller
  (:func:`advance`) or as a background job (:func:`train_in_background`, a
  :class:`lstm_viz.jobs.Job` in the server's line: what the app does so a page
  can redraw while the model learns), and promoted to ``ws.run`` after its
  first epoch.
  Stopping a candidate that has finished no epoch keeps the old model.

Everything that touches a model takes the workspace's lock, so a page reading
the gates never sees a half-applied Adam step, and Stop waits at most one slice.

The package is split by job: :mod:`~lstm_viz.workspace.state` (the dataclasses),
:mod:`~lstm_viz.workspace.datasets`, :mod:`~lstm_viz.workspace.runs`,
:mod:`~lstm_viz.workspace.views`, :mod:`~lstm_viz.workspace.files`,
:mod:`~lstm_viz.workspace.match` and :mod:`~lstm_viz.workspace.readers` (another
sheet, another table layout), whose public names are importable from
``lstm_viz.workspace`` itself; and two used as modules:
:mod:`~lstm_viz.workspace.history` (the runs kept side by side) and
:mod:`~lstm_viz.workspace.store` (workspaces kept across a reload).
"""
from lstm_viz.windows import MIN_TRAIN_WINDOWS
from lstm_viz.workspace.datasets import (
    DEFAULT_SAMPLE, MAX_COVARIATES, MAX_UPLOAD_BYTES, choose_columns, covariate_values, input_choices, set_inputs,
    load_sample, load_upload, max_test_size, max_val_size,
    min_points, recommended_config, sample_series, series_names, set_split, suggest_split, suggest_val_size,
)
from lstm_viz.workspace.files import load_model_file, model_file, predictions_file, traces_file
from lstm_viz.workspace.match import SeriesMismatch, same_data, series_mismatch, stale_view, training_range
from lstm_viz.workspace.readers import choose_sheet, is_short, set_shape, short_need
from lstm_viz.workspace.runs import (
    BACKGROUND_SLICE_S, TICK_SECONDS, WATCH_RUN_S, advance, live_interval, live_phase, live_run,
    queue_place, show_epoch, start_run, stop_run, train_in_background, train_to_end, wait_first_epoch,
)
from lstm_viz.workspace.state import Dataset, Run, Workspace
from lstm_viz.workspace.views import (
    MAX_SERIES_STEPS, ForecastView, GateView, LivePredictions, data_summary, forecast, forecast_figure, gate_trace, live_predictions,
    model_summary, n_test_windows, run_horizon, series_axis, window_start, window_times,
)

__all__ = [
    "BACKGROUND_SLICE_S", "DEFAULT_SAMPLE", "MAX_SERIES_STEPS", "MAX_UPLOAD_BYTES", "MIN_TRAIN_WINDOWS", "TICK_SECONDS",
    "Dataset", "ForecastView", "GateView", "LivePredictions", "Run", "Workspace",
    "advance", "choose_columns", "live_interval", "live_phase", "data_summary", "forecast", "forecast_figure", "gate_trace", "live_predictions", "live_run",
    "load_model_file", "load_sample", "predictions_file", "traces_file", "load_upload", "max_test_size", "max_val_size", "min_points", "model_file", "model_summary",
    "n_test_windows", "queue_place", "recommended_config", "sample_series", "run_horizon", "series_axis", "series_names", "set_split",
    "window_start", "window_times",
    "start_run", "stop_run", "suggest_split", "suggest_val_size", "train_in_background", "train_to_end",
    "WATCH_RUN_S", "show_epoch", "wait_first_epoch",
    "SeriesMismatch", "same_data", "series_mismatch", "stale_view", "training_range",
    "choose_sheet", "is_short", "set_shape", "short_need",
    "MAX_COVARIATES", "covariate_values", "input_choices", "set_inputs",
]
