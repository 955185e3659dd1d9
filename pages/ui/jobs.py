"""A teaching page's background job (lstm_viz.teach_session.Job): start, progress panel, result collection."""
from __future__ import annotations

from typing import Callable

import streamlit as st

from lstm_viz import teach_session
from lstm_viz.errors import LensError
from pages.ui.state import guard, show_error, t

POLL_S = 1.5  # the panel's redraw while a job runs: a progress bar needs no more, and each redraw is a script run


def collect(job_key: str, result_key: str) -> None:
    """Move a finished job's result into the session (or show why it ended); a running job stays."""
    job = st.session_state.get(job_key)
    if job is None or job.running:
        return
    del st.session_state[job_key]
    if job.error is None:
        st.session_state[result_key] = (job.settings, job.result)
    elif job.error[0] == "page.teach.cancelled":
        st.info(t("page.teach.cancelled"), icon=":material/cancel:")
    else:
        show_error(LensError(job.error[0], **job.error[1]))


def replace_job(job_key: str, job: teach_session.Job) -> None:
    """Keep ``job`` under ``job_key``, cancelling the one it replaces."""
    old = st.session_state.get(job_key)
    if old is not None:
        old.cancel()
    st.session_state[job_key] = job


def show_job(job_key: str, cancel_key: str | None = None, describe: Callable[[dict], dict] | None = None) -> None:
    """Draw the job's progress and a Cancel button, refreshing only while the job runs.

    ``describe`` may rewrite the parameters of the job's progress note (say, a method's display name).
    """
    job = st.session_state.get(job_key)
    panel = st.fragment(_job_panel, run_every=POLL_S if job is not None and job.running else None)
    panel(job_key, cancel_key or f"{job_key}.cancel", describe)


def _job_panel(job_key: str, cancel_key: str, describe: Callable[[dict], dict] | None) -> None:
    with guard(job_key):  # a fragment reruns outside the page's guard
        job = st.session_state.get(job_key)
        if job is None:
            return
        if not job.running:
            st.rerun()  # redraw the page once: collect() takes the result
        key, params = job.note or ("page.teach.starting", {})
        if describe is not None:
            params = describe(params)
        st.progress(job.progress, text=f"{t(key, **params)} · {job.elapsed_s:.0f} s")
        st.button(t("page.teach.cancel"), key=cancel_key, on_click=job.cancel, icon=":material/cancel:")
