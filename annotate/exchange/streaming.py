"""Export, streaming side: thread records into bytes chunks for a streaming response.

An HTTP export must hand bytes on as they are made, never the whole file.
Line formats (jsonl, csv) encode a thread at a time: :func:`encoded_chunks`.
The zip writer pushes (``zipfile`` writes as it pleases) where a response
pulls: :func:`writer_stream` runs it in a helper thread and hands its bytes
back through a queue, while the database is read in the caller's thread.
"""

from __future__ import annotations

import contextlib
import io
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from threads.formats.records import ThreadRecord

_STREAM_CHUNK = 64 * 1024  # bytes an export stream hands on at a time


def encoded_chunks(
    records: Iterable[ThreadRecord], header: bytes, encode: Callable[[ThreadRecord], bytes]
) -> Iterator[bytes]:
    """``header`` and each record's bytes, handed on in chunks of about ``_STREAM_CHUNK``."""
    parts, size = [header], len(header)
    for record in records:
        data = encode(record)
        parts.append(data)
        size += len(data)
        if size >= _STREAM_CHUNK:
            yield b"".join(parts)
            parts, size = [], 0
    if size:
        yield b"".join(parts)


class BinarySink(io.RawIOBase):
    """An unseekable binary stream (zipfile copes) that hands on chunks of about 64 KiB."""

    def __init__(self, emit: Callable[[bytes], None]) -> None:
        self._emit = emit
        self._parts: list[bytes] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self._parts.append(data)
        self._size += len(data)
        if self._size >= _STREAM_CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._parts:
            self._emit(b"".join(self._parts))
            self._parts, self._size = [], 0

    def close(self) -> None:
        if not self.closed:
            self.flush()
        super().close()


class _Aborted(Exception):
    pass


_END = object()
_ABORT = object()


def writer_stream(
    records: Iterator[ThreadRecord],
    write: Callable[[Iterable[ThreadRecord], Callable[[bytes], None]], None],
) -> Iterator[bytes]:
    """Run a push-style writer (it pulls records, calls ``write``) as a pull-style generator.

    The writer runs in a helper thread, reading records through a small bounded
    queue that this generator fills from the database; what it writes comes
    back through a second queue and is yielded. Records are produced here, in
    the caller's thread, so the database connection is never shared.
    """
    to_writer: queue.Queue[object] = queue.Queue(maxsize=4)
    from_writer: queue.SimpleQueue[object] = queue.SimpleQueue()
    abort = threading.Event()
    failure: list[BaseException] = []

    def feed() -> Iterator[ThreadRecord]:
        while True:
            item = to_writer.get()
            if item is _ABORT or abort.is_set():
                raise _Aborted
            if item is _END:
                return
            yield item  # type: ignore[misc]

    def work() -> None:
        try:
            write(feed(), from_writer.put)
        except _Aborted:
            pass
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)
        finally:
            from_writer.put(_END)

    worker = threading.Thread(target=work, name="export-writer", daemon=True)
    writer_done = False

    def drain(block: bool) -> list[bytes]:
        nonlocal writer_done
        out: list[bytes] = []
        while not writer_done:
            try:
                item = from_writer.get(block=block and not out)
            except queue.Empty:
                break
            if item is _END:
                writer_done = True
            else:
                out.append(item)  # type: ignore[arg-type]
        return out

    def send(item: object) -> Iterator[bytes]:
        while not writer_done:
            try:
                to_writer.put(item, timeout=0.05)
                return
            except queue.Full:
                yield from drain(block=False)

    worker.start()
    try:
        for record in records:
            yield from send(record)
            if writer_done:
                break
            yield from drain(block=False)
        yield from send(_END)
        while not writer_done:
            yield from drain(block=True)
        worker.join()
        if failure:
            raise failure[0]
    finally:
        if not writer_done:
            abort.set()
            # A full queue means a busy writer: it sees the abort flag at its next record.
            with contextlib.suppress(queue.Full):
                to_writer.put_nowait(_ABORT)
            worker.join(timeout=5)
