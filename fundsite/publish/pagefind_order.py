"""Make Pagefind's bundle byte-identical from build to build.

Pagefind writes each filter's values (and the list of filters in its metadata) in the
order of a hash map, which the binary seeds at random on every run: the same pages give
the same search but different filter files, and so different file names. Here the
filters are rewritten with their values sorted, under names derived from their content,
and the metadata and the entry file are rewritten to point at them.

The files are gzip holding b"pagefind_dcd" and CBOR; only the CBOR items Pagefind
writes are read (integers, strings, arrays, maps, simple values).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path

_MAGIC = b"pagefind_dcd"


def pin_filter_order(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for name, old in meta[3]:
            old_path = bundle / "filter" / f"{old}.pf_filter"
            content = _read(old_path)
            content[1] = sorted(content[1], key=lambda pair: pair[0])
            new = _write(bundle / "filter", language, content, ".pf_filter", 7)
            if new != old:
                old_path.unlink()
            filters.append([name, new])
        meta[3] = sorted(filters)
        new_meta = _write(bundle, language, meta, ".pf_meta", 10, prefix="pagefind.")
        if new_meta != info["hash"]:
            meta_path.unlink()
        info["hash"] = new_meta
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_MAGIC):
        raise ValueError(f"{path.name}: not a Pagefind file")
    value, end = _decode(data, len(_MAGIC))
    if end != len(data):
        raise ValueError(f"{path.name}: trailing bytes")
    return value


def _write(folder: Path, language: str, value, suffix: str, digits: int, prefix: str = "") -> str:
    data = _MAGIC + _encode(value)
    name = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def _decode(data: bytes, at: int):
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info], at
        if info == 27:
            return struct.unpack(">d", data[at:at + 8])[0], at + 8
        raise ValueError(f"CBOR simple value {info} not expected")
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError(f"CBOR length {info} not expected")
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        raw = data[at:at + arg]
        return (raw if major == 2 else raw.decode("utf-8")), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, at = _decode(data, at)
            value, at = _decode(data, at)
            pairs.append((key, value))
        return dict(pairs), at
    raise ValueError(f"CBOR major type {major} not expected")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("integer too large")


def _encode(value) -> bytes:
    if value is False or value is True or value is None:
        return bytes([0xE0 | {False: 20, True: 21, None: 22}[value]])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(item) for item in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise TypeError(type(value).__name__)
