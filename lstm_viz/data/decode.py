"""Turn what a student gave (bytes, a path, an upload) into text, refusing what is not a text table.

The first step of :func:`~lstm_viz.data.read_table`: read at most
:data:`MAX_BYTES`, recognise spreadsheets and binary files, and decode the
bytes as UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or
GB18030 (a superset of the GBK that Chinese Excel writes).
"""
from __future__ import annotations

import codecs
import re
import os
from pathlib import Path
from typing import Any

from lstm_viz.errors import LensError

MAX_BYTES: int = 20 * 1024 * 1024  # 20 MB: a few years of minute data, far more than a lesson needs


def source_name(source: Any) -> str:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    found = getattr(source, "name", None)
    return Path(found).name if isinstance(found, str) and found else "data"


def read_bytes(source: Any, label: str) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        size = len(data)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise LensError("data.not_found", name=label)
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_BYTES else b""
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        size = max(int(getattr(source, "size", 0) or 0), len(data))
    else:
        raise TypeError(f"cannot read a {type(source).__name__}")
    if size > MAX_BYTES:
        raise LensError("data.too_large", name=label, size_mb=size / 2**20, max_mb=MAX_BYTES / 2**20)
    return data


_MOJIBAKE = re.compile(r"[A-Za-z][\u3400-\u9fff][A-Za-z]")


def _mixed_utf8_cp1252(raw: bytes) -> str | None:
    """Decode a file whose header was typed as UTF-8 and whose body was saved as Windows-1252, or None.

    Such a file (a header pasted in from a web page above rows exported by
    Excel on a European Windows) is not UTF-8, and read whole as Windows-1252
    its header turns into "tempÃ©rature". Only when some line is UTF-8 with
    non-ASCII letters and every other line reads as Windows-1252 that GB18030
    would turn into mojibake, each line is decoded on its own.
    """
    try:
        raw.decode("utf-8")
        return None  # plain UTF-8
    except UnicodeDecodeError:
        pass
    lines, utf8_non_ascii, fallback = [], False, []
    for line in raw.split(b"\n"):
        try:
            text = line.decode("utf-8")
            utf8_non_ascii = utf8_non_ascii or not line.isascii()
        except UnicodeDecodeError:
            try:
                text = line.decode("cp1252")
            except UnicodeDecodeError:
                return None
            fallback.append(line)
        lines.append(text)
    if not utf8_non_ascii:
        return None
    body = b"\n".join(fallback[:200])
    try:
        as_gb = body.decode("gb18030")
    except UnicodeDecodeError:
        as_gb = None
    if as_gb is not None and not _MOJIBAKE.search(as_gb):
        return None  # the other lines may well be Chinese: leave them to GB18030
    return "\n".join(lines)


def decode_text(raw: bytes, label: str) -> tuple[str, str]:
    """Return the text and the encoding that decoded it."""
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # zip (xlsx, ods) and OLE (xls) containers
        raise LensError("data.spreadsheet", name=label)
    if raw.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", raw[3:])]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        candidates = [("utf-16", raw)]
    elif b"\x00" in raw[:8192]:
        raise LensError("data.binary", name=label)
    else:
        candidates = [("utf-8", raw), ("gb18030", raw)]  # GB18030 is a superset of GBK
        mixed = _mixed_utf8_cp1252(raw)
        if mixed is not None:
            candidates = [("utf-8+cp1252", mixed)]
    for encoding, body in candidates:
        try:
            text = body if isinstance(body, str) else body.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16":
            text = text.lstrip("\ufeff")
        if encoding == "gb18030" and _MOJIBAKE.search(text):
            # Windows-1252 (Excel's CSV on a European Windows) also decodes as GB18030, into
            # "temp閞ature": a Chinese character inside a Latin word gives it away.
            try:
                text, encoding = body.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                pass
        head = text[:8192]
        control = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r\f\v")
        if control > 0.01 * max(len(head), 1):
            raise LensError("data.binary", name=label)
        if not text.strip():
            raise LensError("data.empty", name=label)
        return text, encoding
    if not raw.strip():
        raise LensError("data.empty", name=label)
    raise LensError("data.encoding", name=label)
