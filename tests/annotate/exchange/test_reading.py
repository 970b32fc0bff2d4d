"""Uploads saved for the codecs: zips read as what they hold, errors naming the uploads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from annotate.exchange import reading
from threads.formats.records import FormatError

ALL_KINDS = ("text", "jsonl", "convokit", "reddit", "labelstudio", "pheme", "brat")


def touch(root: Path, *names: str) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")
    return root


@pytest.fixture
def every_format(monkeypatch):
    """PHEME and brat readers registered, as they are once their branches land."""
    monkeypatch.setattr(reading, "FORMATS", ALL_KINDS)


def test_it_reads_a_zip_of_a_convokit_corpus_from_its_shallowest_folder(tmp_path):
    touch(tmp_path, "corpus/utterances.jsonl", "corpus/old/deeper/utterances.jsonl")
    assert reading.unpacked_format(tmp_path, name="c.zip") == (tmp_path / "corpus", "convokit")


def test_it_reads_one_pheme_thread_from_its_folder(tmp_path, every_format):
    touch(tmp_path, "552783667052167168/structure.json", "552783667052167168/source-tweet/5.json")
    assert reading.unpacked_format(tmp_path, name="t.zip") == (
        tmp_path / "552783667052167168",
        "pheme",
    )


def test_it_reads_pheme_event_folders_from_the_folder_holding_them(tmp_path, every_format):
    touch(
        tmp_path,
        "rumoureval-data/charliehebdo/1/structure.json",
        "rumoureval-data/ferguson/2/structure.json",
    )
    assert reading.unpacked_format(tmp_path, name="r.zip") == (
        tmp_path / "rumoureval-data",
        "pheme",
    )


def test_it_reads_brat_pairs_from_their_folder(tmp_path, every_format):
    touch(tmp_path, "cmv/a.txt", "cmv/a.ann", "cmv/b.txt", "cmv/b.ann", "cmv/annotation.conf")
    assert reading.unpacked_format(tmp_path, name="b.zip") == (tmp_path / "cmv", "brat")


def test_it_does_not_look_at_the_files_macos_adds(tmp_path, every_format):
    touch(tmp_path, "__MACOSX/cmv/._a.ann", "cmv/._b.ann", "corpus/utterances.jsonl")
    assert reading.unpacked_format(tmp_path, name="c.zip")[1] == "convokit"


def test_it_says_a_zip_holds_a_format_the_server_cannot_import(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "FORMATS", ("convokit",))
    touch(tmp_path, "thread/structure.json")
    with pytest.raises(FormatError, match=r"t.zip: the zip holds PHEME threads .* cannot import"):
        reading.unpacked_format(tmp_path, name="t.zip")


def saved(folder, name: str, data: bytes):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_it_hands_over_the_labels_file_saved_beside_the_upload(tmp_path):
    path = saved(tmp_path, "a.json", b"[]")
    labels = saved(tmp_path, "labels-file/l.json", b"{}")
    with reading.upload_opened(path=path, name="a.json", labels=labels) as upload:
        assert upload.labels is not None and upload.labels.read_bytes() == b"{}"
        assert upload.labels.parent != upload.path.parent


def test_it_names_the_uploaded_labels_file_in_errors(tmp_path):
    path = saved(tmp_path, "thread.json", b"")
    labels = saved(tmp_path, "labels-file/subtaskA.json", b"")
    with (
        pytest.raises(FormatError, match=r"^subtaskA.json, line 3: bad label"),
        reading.upload_opened(
            path=path, name="thread.json", labels=labels, labels_name="subtaskA.json"
        ) as upload,
    ):
        raise FormatError("bad label", file=str(upload.labels), line=3)


def test_it_unpacks_a_zip_upload_as_what_it_holds(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("c/utterances.jsonl", "")
    path = saved(tmp_path, "c.zip", buffer.getvalue())
    with reading.upload_opened(path=path, name="c.zip") as upload:
        assert (upload.path.name, upload.fmt) == ("c", "convokit")


@pytest.mark.parametrize(
    ("members", "fmt", "folder"),
    [
        (
            {
                "ev/1/structure.json": "{}",
                "ev/1/source-tweet/1.json": "{}",
                "ev/1/replies/2.json": "{}",
                "ev/1/notes.md": "left in the zip",
            },
            "pheme",
            "1",
        ),
        (
            {
                "cmv/a.txt": "t",
                "cmv/a.ann": "",
                "cmv/a.metadata": "",
                "cmv/annotation.conf": "",
                "cmv/run.sh": "left in the zip",
            },
            "brat",
            "cmv",
        ),
    ],
)
def test_it_unpacks_the_files_of_pheme_and_brat_zips(tmp_path, every_format, members, fmt, folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    path = saved(tmp_path, "up/x.zip", buffer.getvalue())
    with reading.upload_opened(path=path, name="x.zip") as upload:
        assert (upload.path.name, upload.fmt) == (folder, fmt)
        unpacked = {p.name for p in upload.path.rglob("*") if p.is_file()}
        wanted = {name.rsplit("/", 1)[-1] for name in members if "left" not in members[name]}
        assert unpacked == wanted


def test_it_refuses_an_upload_named_zip_that_is_not_one(tmp_path):
    path = saved(tmp_path, "c.zip", b"nope")
    with (
        pytest.raises(FormatError, match="^c.zip: not a zip file"),
        reading.upload_opened(path=path, name="c.zip"),
    ):
        pass
