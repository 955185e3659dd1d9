"""Measure what one call costs the server: wall and CPU seconds, peak memory growth (RSS and Python heap).

``tracemalloc`` sees only Python's allocator; pandas' parser and torch allocate
in C, which only the resident set size shows. A thread samples RSS every few
milliseconds while the call runs, so a short spike is seen, not just the end state.
"""
from __future__ import annotations

import gc
import os
import threading
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any, Callable

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    """Return this process's resident set size in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


@dataclass
class Footprint:
    result: Any
    error: BaseException | None
    wall_s: float
    cpu_s: float
    rss_growth_mb: float  # peak RSS during the call minus RSS before it
    heap_peak_mb: float  # tracemalloc's peak during the call

    def __str__(self) -> str:
        return (f"wall {self.wall_s:.3f} s, cpu {self.cpu_s:.3f} s, +{self.rss_growth_mb:.0f} MB RSS, "
                f"{self.heap_peak_mb:.0f} MB heap peak")


def footprint(call: Callable[[], Any]) -> Footprint:
    """Run ``call()`` once and return its result or exception with what it cost."""
    gc.collect()
    before = rss_bytes()
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tracemalloc.start()
    result, error = None, None
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        result = call()
    except BaseException as exc:  # noqa: BLE001 - the caller asserts on it
        error = exc
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    heap_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    done.set()
    sampler.join()
    peak[0] = max(peak[0], rss_bytes())
    return Footprint(result, error, wall, cpu, (peak[0] - before) / 2**20, heap_peak / 2**20)
