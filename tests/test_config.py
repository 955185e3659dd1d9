"""The run settings: validation names the bad setting, and a config survives a round trip through a dict."""
from __future__ import annotations

import pytest

from lstm_viz.config import Config
from lstm_viz.errors import LensError


def test_config_validation_names_the_bad_setting() -> None:
    assert Config().validate() == Config()
    with pytest.raises(LensError) as err:
        Config(lr=100.0).validate()
    assert err.value.params["name"] == "lr"
    with pytest.raises(LensError):
        Config(hidden_size=4096).validate()
    with pytest.raises(LensError):
        Config(lr=float("nan")).validate()
    with pytest.raises(LensError):
        Config(cell="transformer").validate()  # type: ignore[arg-type]


def test_config_round_trips_through_a_dict() -> None:
    cfg = Config(cell="gru", hidden_size=16, num_layers=2, dropout=0.2, seed=7)
    assert Config.from_dict({**cfg.to_dict(), "unknown": 1}) == cfg
