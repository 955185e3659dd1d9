"""A page's background job (lstm_viz.jobs.Job): keep it, one progress panel, result collection."""
from __future__ import annotations

import streamlit as st

from lstm_viz.figures_teach import series_label
from lstm_viz.jobs import Job
from pages.ui.state import guard, lang, show_error, t

POLL_S = 1.5  # the panel's redraw while a job runs: a progress bar needs no more, and each redraw is a script run

# A job's note is a stage and its numbers (lstm_viz.jobs): the words for each stage.
STAGE_KEYS: dict[str, str] = {
    "waiting": "page.teach.waiting",
    "compare.training": "teach.compare.running",
    "compare.scoring": "page.compare.scoring",
    "task.training": "page.compare.task_running",
    "m2m.training": "page.m2m.running",
}


def collect(job_key: str, result_key: str) -> None:
    """Move a finished job's result into the session (or show why it ended); a running job stays."""
    job = st.session_state.get(job_key)
    if job is None or job.running:
        return
    del st.session_state[job_key]
    if job.error is None:
        st.session_state[result_key] = (job.settings, job.result)
    elif job.error.key == "jobs.cancelled":
        st.info(t(job.error.key), icon=":material/cancel:")
    else:
        show_error(job.error)


def replace_job(job_key: str, job: Job) -> None:
    """Keep ``job`` under ``job_key``, cancelling the one it replaces."""
    old = st.session_state.get(job_key)
    if old is not None:
        old.cancel()
    st.session_state[job_key] = job


def show_job(job_key: str, cancel_key: str | None = None) -> None:
    """Draw the job's progress and a Cancel button, refreshing only while the job runs."""
    job = st.session_state.get(job_key)
    panel = st.fragment(_job_panel, run_every=POLL_S if job is not None and job.running else None)
    panel(job_key, cancel_key or f"{job_key}.cancel")


def note_text(note: tuple[str, dict] | None) -> str:
    """Say a job's note (stage and numbers) in the page's language: cells and methods by their display names."""
    if note is None:
        return t("page.teach.starting")
    stage, params = note
    named = {name: series_label(params[name], lang()) for name in ("cell", "method") if name in params}
    return t(STAGE_KEYS[stage], **{**params, **named})


def _job_panel(job_key: str, cancel_key: str) -> None:
    with guard(job_key):  # a fragment reruns outside the page's guard
        job = st.session_state.get(job_key)
        if job is None:
            return
        if not job.running:
            st.rerun()  # redraw the page once: collect() takes the result
        st.progress(job.progress, text=f"{note_text(job.note)} · {job.elapsed_s:.0f} s")
        st.button(t("page.teach.cancel"), key=cancel_key, on_click=job.cancel, icon=":material/cancel:")
