"""The flat-memory zip writer: what it writes, zipfile and unzip read, zip64 included."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest

from threads.formats import zipstream

MEMBERS = {
    "demo/alice/t1.txt": "Café 🙂\n" * 50,
    "demo/gold/é.ann": "",
    "demo/annotation.conf": "x",
}


def written(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipstream.ZipStream(out) as archive:
        for name, text in members.items():
            archive.add(name, text.encode("utf-8"))
    return out.getvalue()


def read(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every member's CRC checks
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_zipfile_reads_back_every_member_in_order_with_utf8_names():
    assert read(written(MEMBERS)) == MEMBERS
    assert list(read(written(MEMBERS))) == list(MEMBERS)


def test_members_are_deflated_and_readable_by_others():
    with zipfile.ZipFile(io.BytesIO(written(MEMBERS))) as archive:
        info = archive.getinfo("demo/alice/t1.txt")
    assert info.compress_type == zipfile.ZIP_DEFLATED
    assert info.compress_size < info.file_size
    assert info.external_attr >> 16 == 0o100644


def test_it_writes_to_a_stream_that_cannot_seek():
    class Forward(io.RawIOBase):
        def __init__(self) -> None:
            self.parts: list[bytes] = []

        def writable(self) -> bool:
            return True

        def write(self, b) -> int:
            self.parts.append(bytes(b))
            return len(b)

    out = Forward()
    with zipstream.ZipStream(out) as archive:
        archive.add("a.txt", b"hello")

    assert read(b"".join(out.parts)) == {"a.txt": "hello"}


def test_zip64_records_are_written_where_the_format_needs_them(monkeypatch):
    # Limits lowered so a small zip needs what a huge one would: zip64 offsets and end records.
    monkeypatch.setattr(zipstream, "MAX_32", 40)
    monkeypatch.setattr(zipstream, "MAX_ENTRIES", 2)

    data = written(MEMBERS)

    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data
    assert read(data) == MEMBERS


@pytest.mark.skipif(shutil.which("unzip") is None, reason="no unzip on this machine")
def test_unzip_tests_it_clean(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(written(MEMBERS))

    result = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
