"""Which Chinese strings were translated from an English text that has since changed.

``translated.json`` beside this file maps each key to a short hash of the
English text its Chinese was written (or last checked) against. When the
English changes, the hashes differ and :func:`stale_keys` names the key, so a
translation cannot silently fall behind its source. After checking (or
rewriting) the Chinese, record the new source with
``python -m lstm_viz.i18n stamp KEY …``.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

STAMPS_FILE = Path(__file__).resolve().parent / "translated.json"


def source_hash(text: str) -> str:
    """Return a short, stable hash of an English source text (12 hex digits of SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def load_stamps(path: Path = STAMPS_FILE) -> dict[str, str]:
    """Return key -> hash of the English each Chinese string was translated from ({} if no file)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_stamps(stamps: dict[str, str], path: Path = STAMPS_FILE) -> None:
    """Write the stamps sorted by key, one per line, so a diff shows exactly which keys were re-checked."""
    path.write_text(json.dumps(dict(sorted(stamps.items())), ensure_ascii=False, indent=0) + "\n",
                    encoding="utf-8")


def stale_keys(english: dict[str, str], stamps: dict[str, str]) -> tuple[list[str], list[str]]:
    """Return (changed, unstamped): keys whose English changed since translation, and keys never stamped.

    Parameters
    ----------
    english : dict of str to str
        The English table (key -> text).
    stamps : dict of str to str
        Key -> :func:`source_hash` of the English the Chinese was checked against.
    """
    changed = sorted(k for k, text in english.items() if k in stamps and stamps[k] != source_hash(text))
    unstamped = sorted(k for k in english if k not in stamps)
    return changed, unstamped
