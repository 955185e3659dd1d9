"""The two message tables: the same keys and placeholders in English and Chinese, and how ``tr`` fills them."""
from __future__ import annotations

import re

from lstm_viz.errors import LensError
from lstm_viz.i18n import TABLES, tr
from lstm_viz.i18n.stamps import load_stamps, source_hash, stale_keys


_PLACEHOLDER = re.compile(r"{(\w+)[^}]*}")


def test_every_string_exists_in_both_languages_with_the_same_placeholders() -> None:
    en, zh = TABLES["en"], TABLES["zh"]
    assert sorted(set(en) - set(zh)) == [], "keys missing in Chinese"
    assert sorted(set(zh) - set(en)) == [], "keys missing in English"
    for key in en:
        assert en[key].strip() and zh[key].strip(), key
        assert set(_PLACEHOLDER.findall(en[key])) == set(_PLACEHOLDER.findall(zh[key])), key


def test_tr_fills_placeholders_and_falls_back() -> None:
    text = tr("windows.not_enough", "en", n=3, window=2, test_size=1, need=7)
    assert "3" in text and "7" in text
    assert tr("no.such.key", "zh") == "no.such.key"
    assert LensError("windows.window", window=0).message("zh") != str(LensError("windows.window", window=0))


def test_no_chinese_string_has_fallen_behind_its_english_source() -> None:
    changed, unstamped = stale_keys(TABLES["en"], load_stamps())
    assert changed == [], ("The English of these keys changed since their Chinese was written: check the Chinese, "
                           f"then run `python -m lstm_viz.i18n stamp KEY …`: {changed}")
    assert unstamped == [], ("New keys: translate them, then run `python -m lstm_viz.i18n stamp --new`: "
                             f"{unstamped}")


def test_the_stamp_check_names_a_changed_and_a_new_english_text() -> None:
    english = {"a.same": "Train", "a.changed": "Stop now", "a.new": "Go"}
    stamps = {"a.same": source_hash("Train"), "a.changed": source_hash("Stop"), "a.gone": "0" * 12}
    assert stale_keys(english, stamps) == (["a.changed"], ["a.new"])
