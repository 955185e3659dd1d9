"""One check for a refusal: the right key, and a complete, advising message in both languages."""
from __future__ import annotations

import re
from typing import Callable, Mapping

import pytest

from lstm_viz.errors import LensError


def assert_refused(advice: Mapping[str, str], key: str, call: Callable, *args, **kwargs) -> LensError:
    """Run ``call`` and check it refuses with ``key``, its English names ``advice[key]`` and its Chinese is written.

    Every placeholder must be filled in both languages. Returns the error for further checks.
    """
    with pytest.raises(LensError) as info:
        call(*args, **kwargs)
    err = info.value
    assert err.key == key, (err.key, str(err))
    english, chinese = str(err), err.message("zh")
    assert advice[key] in english, english
    assert chinese != key and re.search(r"[\u4e00-\u9fff]", chinese)
    assert "{" not in english and "{" not in chinese, "every placeholder filled"
    return err
