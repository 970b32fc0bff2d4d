"""A zip written front to back, its directory spooled to a temporary file: flat memory.

Python's ``zipfile`` keeps a ``ZipInfo`` per member until it writes the zip's
central directory at the end: about 0.4 KB a member (measured, 30,000 members).
A brat export has three files per thread and annotator, so 100,000 threads
with three annotators and gold would hold some 500 MB there. This writer
deflates each member whole (a member here is one thread's file), writes it with
its sizes and CRC in the local header (so ``out`` need not be seekable) and
appends its central directory record to a spooled temporary file, copied out at
the end. Zip64 records are written where the format needs them (a member past
4 GiB into the zip, more than 65,535 members, a directory past 4 GiB); a member
itself must be under 4 GiB. Names are UTF-8 (flag bit 11). The layout is
PKWARE's APPNOTE.TXT 6.3; ``zipfile``, ``unzip`` and the usual tools read it.
"""

from __future__ import annotations

import struct
import tempfile
import time
import zlib
from types import TracebackType
from typing import Protocol


class BinaryOut(Protocol):
    def write(self, b: bytes, /) -> int: ...


_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_END64 = struct.Struct("<IQHHIIQQQQ")
_LOCATOR64 = struct.Struct("<IIQI")
_UTF8 = 0x800
_DEFLATED = 8
_VERSION = 20  # deflate
_VERSION64 = 45  # zip64
_MADE_BY = (3 << 8) | _VERSION64  # Unix, so the permissions below are read
_FILE_MODE = (0o100644 & 0xFFFF) << 16
_MAX_MEMBER = 0xFFFFFFFF
# What a field too small for its value holds, the value being in a zip64 record.
_MARK_32 = 0xFFFFFFFF
_MARK_16 = 0xFFFF
# Past these the zip needs its zip64 records (tests lower them to see those written).
MAX_32 = 0xFFFFFFFF  # an offset or the directory's size
MAX_ENTRIES = 0xFFFF
_SPOOL = 1 << 20  # directory bytes kept in memory before the temporary file takes them


def _dos_time(stamp: time.struct_time) -> tuple[int, int]:
    date = max(stamp.tm_year - 1980, 0) << 9 | stamp.tm_mon << 5 | stamp.tm_mday
    clock = stamp.tm_hour << 11 | stamp.tm_min << 5 | stamp.tm_sec // 2
    return clock, date


class ZipStream:
    """``with ZipStream(out) as archive: archive.add(name, data)``; the directory at the end."""

    def __init__(self, out: BinaryOut, *, level: int = 6) -> None:
        self._out = out
        self._level = level
        self._offset = 0
        self._count = 0
        self._directory = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 - closed by close()
        self._directory_size = 0
        self._clock, self._date = _dos_time(time.localtime())

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._offset += len(data)

    def add(self, name: str, data: bytes) -> None:
        """One member ``name`` holding ``data``, deflated."""
        encoded = name.encode("utf-8")
        packer = zlib.compressobj(self._level, zlib.DEFLATED, -15)
        body = packer.compress(data) + packer.flush()
        crc = zlib.crc32(data)
        if len(body) >= _MAX_MEMBER or len(data) >= _MAX_MEMBER:
            raise ValueError(f"{name}: a member of 4 GiB or more is not supported")
        offset = self._offset
        head = (_VERSION, _UTF8, _DEFLATED, self._clock, self._date, crc, len(body), len(data))
        self._write(_LOCAL.pack(0x04034B50, *head, len(encoded), 0) + encoded)
        self._write(body)
        extra = b""
        if offset >= MAX_32:  # where the member starts goes in a zip64 extra field
            extra = struct.pack("<HHQ", 0x0001, 8, offset)
            offset = _MARK_32
        record = _CENTRAL.pack(
            0x02014B50, _MADE_BY, _VERSION64 if extra else _VERSION, *head[1:],
            len(encoded), len(extra), 0, 0, 0, _FILE_MODE, offset,
        ) + encoded + extra  # fmt: skip
        self._directory.write(record)
        self._directory_size += len(record)
        self._count += 1

    def close(self) -> None:
        """Write the central directory (and the zip64 records it needs) and the end record."""
        start, size, count = self._offset, self._directory_size, self._count
        self._directory.seek(0)
        while chunk := self._directory.read(1 << 16):
            self._write(chunk)
        self._directory.close()
        if count >= MAX_ENTRIES or size >= MAX_32 or start >= MAX_32:
            end64 = self._offset
            self._write(
                _END64.pack(0x06064B50, 44, _MADE_BY, _VERSION64, 0, 0, count, count, size, start)
            )
            self._write(_LOCATOR64.pack(0x07064B50, 0, end64, 1))
            if count >= MAX_ENTRIES:
                count = _MARK_16
            if size >= MAX_32:
                size = _MARK_32
            if start >= MAX_32:
                start = _MARK_32
        self._write(_END.pack(0x06054B50, 0, 0, count, count, size, start, 0))

    def __enter__(self) -> ZipStream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self._directory.close()
