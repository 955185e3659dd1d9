"""``python -m lstm_viz.i18n check`` lists Chinese strings whose English changed; ``stamp KEY …`` records a check.

``stamp --new`` stamps every key that has no stamp yet (strings added with
their translation); ``stamp --all`` re-stamps everything, after a full review.
"""
from __future__ import annotations

import sys

from lstm_viz.i18n import TABLES
from lstm_viz.i18n.stamps import load_stamps, source_hash, stale_keys, write_stamps


def main(argv: list[str]) -> int:
    english, stamps = TABLES["en"], load_stamps()
    changed, unstamped = stale_keys(english, stamps)
    if argv[:1] == ["check"] or not argv:
        for key in changed:
            print(f"changed since translated: {key}\n  en: {english[key]}\n  zh: {TABLES['zh'][key]}")
        for key in unstamped:
            print(f"never stamped: {key}")
        return 1 if changed or unstamped else 0
    if argv[0] != "stamp" or len(argv) < 2:
        print(__doc__)
        return 2
    keys = {"--new": unstamped, "--all": list(english)}.get(argv[1], argv[1:])
    unknown = [k for k in keys if k not in english]
    if unknown:
        print(f"unknown keys: {unknown}")
        return 2
    # Keys that have left the tables leave the stamps too.
    stamps = {k: v for k, v in stamps.items() if k in english} | {k: source_hash(english[k]) for k in keys}
    write_stamps(stamps)
    print(f"stamped {len(keys)} key(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
