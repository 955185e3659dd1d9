"""Bytes held by arrays and tensors, each underlying buffer counted once.

A tensor made with ``torch.from_numpy`` shares its array's buffer, and one made from a
prefix of an array starts where the array does but is shorter: buffers are keyed by their
start address and the larger size met there counts. Used by the runs history's bound
(:mod:`lstm_viz.workspace.history`) and the reload store's (:mod:`lstm_viz.workspace.store`).
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import torch


def buffer_span(obj: np.ndarray | torch.Tensor) -> tuple[int, int]:
    """Return (start address, bytes) of the whole buffer under an array (its root base) or a tensor (its storage)."""
    if isinstance(obj, torch.Tensor):
        storage = obj.untyped_storage()
        return storage.data_ptr(), int(storage.nbytes())
    root = np.asarray(obj)
    while isinstance(root.base, np.ndarray):
        root = root.base
    return root.ctypes.data, int(root.nbytes)


def count_buffer(seen: dict[int, int], obj: np.ndarray | torch.Tensor) -> int:
    """Return the bytes ``obj``'s buffer adds to those already in ``seen`` (start address -> bytes counted)."""
    start, nbytes = buffer_span(obj)
    counted = seen.get(start, 0)
    seen[start] = max(counted, nbytes)
    return seen[start] - counted


def buffers_bytes(items: Iterable[np.ndarray | torch.Tensor]) -> int:
    """Return the bytes of the buffers under ``items``, each counted once."""
    seen: dict[int, int] = {}
    return sum(count_buffer(seen, item) for item in items)
