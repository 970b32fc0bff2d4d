"""Zip uploads unpacked safely: the wanted members only, within limits, nothing outside."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from annotate.exchange.unzip import CONVOKIT, MB, Wanted, ZipLimits, zip_check, zip_extract
from threads.formats.records import FormatError

LIMITS = ZipLimits(member_bytes=4 * MB, total_bytes=6 * MB, ratio=100)


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def incompressible(size: int) -> bytes:
    return os.urandom(size)


def test_it_unpacks_only_the_wanted_members_with_their_folders(tmp_path):
    archive = make_zip(
        tmp_path / "c.zip",
        {
            "corpus/utterances.jsonl": b"{}\n",
            "corpus/speakers.json": b"{}",
            "corpus/run.sh": b"rm -rf /",
            "__MACOSX/corpus/._utterances.jsonl": b"junk",
            "corpus/.hidden/index.json": b"{}",
        },
    )

    written = zip_extract(archive, tmp_path / "out", name="c.zip", limits=LIMITS)

    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "corpus/speakers.json",
        "corpus/utterances.jsonl",
    ]
    assert sorted(p.name for p in (tmp_path / "out").rglob("*") if p.is_file()) == [
        "speakers.json",
        "utterances.jsonl",
    ]


def test_it_refuses_a_zip_bomb_without_unpacking_it(tmp_path):
    # A 1 MB zip holding 256 MiB of zeros, written a chunk at a time (never held in memory).
    archive = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("corpus/utterances.jsonl", "w", force_zip64=True) as member,
    ):
        zeros = bytes(MB)
        for _ in range(256):
            member.write(zeros)
    limits = ZipLimits(member_bytes=1024 * MB, total_bytes=1024 * MB, ratio=100)

    with pytest.raises(FormatError) as refused:
        zip_extract(archive, tmp_path / "out", name="bomb.zip", limits=limits)

    message = str(refused.value)
    assert message.startswith("bomb.zip: member 'corpus/utterances.jsonl' is compressed")
    assert "over the 100 to 1 a member may be (ZIP_MAX_RATIO)" in message
    assert not (tmp_path / "out").exists()


def test_it_refuses_a_member_over_the_member_limit(tmp_path):
    archive = make_zip(tmp_path / "c.zip", {"utterances.jsonl": incompressible(4 * MB + 1)})

    with pytest.raises(FormatError, match=r"member 'utterances.jsonl' unpacks to 4\.0 MB, over"):
        zip_check(archive, name="c.zip", limits=LIMITS)


def test_it_names_the_member_limit_setting(tmp_path):
    archive = make_zip(tmp_path / "c.zip", {"utterances.jsonl": incompressible(4 * MB + 1)})

    with pytest.raises(
        FormatError, match=r"the 4\.0 MB one member may unpack to \(ZIP_MAX_MEMBER_MB"
    ):
        zip_check(archive, name="c.zip", limits=LIMITS)


def test_it_refuses_too_many_bytes_in_total(tmp_path):
    archive = make_zip(
        tmp_path / "c.zip",
        {
            "a/utterances.jsonl": incompressible(3 * MB),
            "b/utterances.jsonl": incompressible(3 * MB + 1),
        },
    )

    with pytest.raises(FormatError) as refused:
        zip_extract(archive, tmp_path / "out", name="c.zip", limits=LIMITS)

    assert "add up to more than the 6.0 MB a zip may unpack to (ZIP_MAX_TOTAL_MB)" in str(
        refused.value
    )
    assert "at member 'b/utterances.jsonl'" in str(refused.value)
    assert not (tmp_path / "out").exists()


def test_it_leaves_unwanted_members_out_of_the_total(tmp_path):
    archive = make_zip(
        tmp_path / "c.zip",
        {"utterances.jsonl": incompressible(3 * MB), "video.mp4": incompressible(5 * MB)},
    )

    assert [i.filename for i in zip_check(archive, name="c.zip", limits=LIMITS)] == [
        "utterances.jsonl"
    ]


def test_it_lets_small_members_compress_as_much_as_they_like(tmp_path):
    archive = make_zip(tmp_path / "c.zip", {"utterances.jsonl": b" " * (MB - 1)})

    assert len(zip_check(archive, name="c.zip", limits=LIMITS)) == 1


@pytest.mark.parametrize("member", ["../evil/utterances.jsonl", "a/../../utterances.jsonl"])
def test_it_refuses_a_member_that_climbs_out(tmp_path, member):
    archive = make_zip(tmp_path / "c.zip", {"utterances.jsonl": b"{}\n", member: b"{}\n"})

    with pytest.raises(FormatError) as refused:
        zip_extract(archive, tmp_path / "out", name="c.zip", limits=LIMITS)

    assert f"member '{member}' points outside the zip" in str(refused.value)
    assert not (tmp_path / "evil").exists() and not (tmp_path / "out").exists()


def test_it_refuses_an_absolute_member(tmp_path):
    archive = tmp_path / "c.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo("/etc/utterances.jsonl"), b"{}\n")

    with pytest.raises(FormatError, match="points outside the zip"):
        zip_check(archive, name="c.zip", limits=LIMITS)


def test_it_refuses_a_link(tmp_path):
    archive = tmp_path / "c.zip"
    link = zipfile.ZipInfo("corpus/utterances.jsonl")
    link.create_system = 3  # unix
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(link, "/etc/passwd")

    with pytest.raises(FormatError, match="member 'corpus/utterances.jsonl' is a link"):
        zip_extract(archive, tmp_path / "out", name="c.zip", limits=LIMITS)


def test_it_says_a_file_is_not_a_zip(tmp_path):
    archive = tmp_path / "c.zip"
    archive.write_bytes(b"PK? no")

    with pytest.raises(FormatError, match="c.zip: not a zip file"):
        zip_check(archive, name="c.zip", limits=LIMITS)


def test_it_reads_its_limits_from_the_settings(settings):
    settings.ZIP_MAX_MEMBER_MB, settings.ZIP_MAX_TOTAL_MB, settings.ZIP_MAX_RATIO = 1, 2, 3

    assert ZipLimits.from_settings() == ZipLimits(member_bytes=MB, total_bytes=2 * MB, ratio=3)


def test_a_format_adds_the_files_it_wants():
    brat = Wanted(frozenset({"annotation.conf"}), (".txt", ".ann"))

    wanted = CONVOKIT | brat

    assert "doc1.ANN" in wanted and "utterances.jsonl" in wanted and "x.json" not in wanted
