"""The admin's "Import file": every format, the labelled formats' options, zips; the upload
streamed to disk and capped, then imported by a job (run at once here: tests/conftest.py),
whose page shows the summary or the error."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotate.admin.corpora import ImportUploadForm
from annotate.exchange import importer
from annotate.models import Claim, Job, JobState
from tests.factories import CorpusFactory, UserFactory
from threads.formats import FORMATS
from threads.formats.records import ReadOptions
from threads.models import Article, Comment, Corpus

IMPORT_URL = "admin:threads_corpus_import"
SAMPLES = Path(__file__).resolve().parents[1] / "threads" / "samples" / "labelstudio"
EMOJI = SAMPLES / "emoji_utf16.json"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def jsonl_thread(thread_id: str = "t1", parent_of_b: str | None = "a") -> bytes:
    line = {
        "id": thread_id,
        "title": "Uploaded thread",
        "body": "The article.",
        "comments": [
            {"id": "a", "parent_id": None, "text": "Top."},
            {"id": "b", "parent_id": parent_of_b, "text": "Reply."},
        ],
    }
    return (json.dumps(line) + "\n").encode()


def upload(admin_client, data: bytes, name: str = "threads.jsonl", **fields):
    form = {
        "corpus": "uploads",
        "format": "",
        "orphans": "error",
        "stance_attribute": "Stance",
        "file": SimpleUploadedFile(name, data),
        **fields,
    }
    return admin_client.post(reverse(IMPORT_URL), form)


def job_page(admin_client, response) -> str:
    assert response.status_code == 302
    return admin_client.get(response["Location"]).content.decode()


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_it_links_the_import_from_the_corpus_pages(admin_client, corpus):
    url = reverse(IMPORT_URL)
    assert url in admin_client.get(reverse("admin:threads_corpus_changelist")).content.decode()
    change = reverse("admin:threads_corpus_change", args=[corpus.pk])
    assert f"{url}?corpus=demo" in admin_client.get(change).content.decode()


def test_it_prefills_the_corpus_of_the_import_form(admin_client, corpus):
    response = admin_client.get(reverse(IMPORT_URL), {"corpus": "demo"})
    assert response.status_code == 200
    assert 'value="demo"' in response.content.decode()


def test_it_sends_the_admin_to_the_import_job_page(admin_client, db):
    response = upload(admin_client, jsonl_thread())

    job = Job.objects.get()
    assert response["Location"] == reverse("annotate:job", args=[job.pk])
    assert (job.kind, job.file_name, job.params["corpus_slug"]) == (
        "import",
        "threads.jsonl",
        "uploads",
    )


def test_it_imports_the_uploaded_file_in_its_job(admin_client, db):
    page = job_page(admin_client, upload(admin_client, jsonl_thread()))

    corpus = Corpus.objects.get(slug="uploads")
    assert "threads.jsonl into uploads: Imported 1 thread" in page
    assert f"?corpus__id__exact={corpus.pk}" in page
    article = Article.objects.get(corpus=corpus, external_id="t1")
    assert Comment.objects.filter(article=article).count() == 2
    assert Job.objects.get().state == JobState.SUCCEEDED


def test_it_removes_the_upload_once_imported(admin_client, db, settings):
    upload(admin_client, jsonl_thread())

    assert files_under(settings.JOBS_ROOT) == []


def test_it_imports_a_text_file(admin_client, db):
    text = "The title\n\nThe body.\n\n    A comment.\n\n        A reply.\n"
    upload(admin_client, text.encode(), name="seed.txt")
    article = Article.objects.get(external_id="seed")
    assert list(Comment.objects.filter(article=article).values_list("depth", flat=True)) == [0, 1]


def test_it_imports_a_convokit_utterances_file(admin_client, db):
    utterances = [
        {"id": "p1", "conversation_id": "p1", "reply-to": None, "speaker": "op", "text": "Post."},
        {"id": "u1", "conversation_id": "p1", "reply-to": "p1", "speaker": "x", "text": "Top."},
        {"id": "u2", "conversation_id": "p1", "reply-to": "u1", "speaker": "y", "text": "Re."},
    ]
    data = "".join(json.dumps(u) + "\n" for u in utterances).encode()
    upload(admin_client, data, name="utterances.jsonl")
    article = Article.objects.get(external_id="p1")
    assert list(Comment.objects.filter(article=article).values_list("depth", flat=True)) == [0, 1]


def test_it_imports_a_zip_of_a_convokit_folder(admin_client, db):
    utterances = [
        {"id": "p1", "conversation_id": "p1", "reply-to": None, "speaker": "op", "text": "Post."},
        {"id": "u1", "conversation_id": "p1", "reply-to": "p1", "speaker": "x", "text": "Top."},
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("corpus/utterances.jsonl", "".join(json.dumps(u) + "\n" for u in utterances))
        zf.writestr("corpus/notes.exe", b"MZ not wanted")
    page = job_page(admin_client, upload(admin_client, buffer.getvalue(), name="corpus.zip"))

    assert "Imported 1 thread" in page
    assert Comment.objects.filter(article__external_id="p1").count() == 1


def test_it_shows_a_format_error_on_the_job_page_and_imports_nothing(admin_client, db):
    page = job_page(admin_client, upload(admin_client, jsonl_thread(parent_of_b="zz")))

    assert "Nothing was imported. threads.jsonl, line 1" in page
    assert "zz" in page
    assert ">Retry</button>" in page
    assert Job.objects.get().state == JobState.FAILED
    assert not Article.objects.exists()


def test_it_keeps_the_upload_of_a_failed_import_for_a_retry(admin_client, db, settings):
    upload(admin_client, jsonl_thread(parent_of_b="zz"))

    job = Job.objects.get()
    assert (settings.JOBS_ROOT / str(job.pk) / "threads.jsonl").read_bytes() == jsonl_thread(
        parent_of_b="zz"
    )


def test_it_words_the_orphan_error_for_the_upload_form(admin_client, db):
    page = job_page(admin_client, upload(admin_client, jsonl_thread(parent_of_b="gone")))

    assert "choose “attach” or “skip” under Orphans" in page
    assert "--orphans" not in page


def test_it_applies_the_orphans_policy(admin_client, db):
    upload(admin_client, jsonl_thread(parent_of_b="zz"), orphans="attach")
    assert Comment.objects.get(external_id="b").meta.get("orphan") is True


def test_it_honours_the_chosen_format(admin_client, db):
    upload(admin_client, jsonl_thread(), name="dump.data", format="jsonl")
    assert Article.objects.filter(external_id="t1").exists()


def test_it_names_the_accepted_formats_for_an_unknown_file_on_the_form(admin_client, db):
    response = upload(admin_client, b"whatever", name="notes.pdf")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was imported. notes.pdf: cannot tell the format from the name" in content
    assert not Job.objects.exists()


def test_it_refuses_an_upload_over_max_upload_mb_with_a_message(admin_client, db, settings):
    settings.MAX_UPLOAD_MB = 1
    data = jsonl_thread() * (1024 * 1024 // len(jsonl_thread()) + 10)  # just past 1 MB

    response = upload(admin_client, data, name="big.jsonl")

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error.startswith("big.jsonl is larger than the 1 MB an upload may be (MAX_UPLOAD_MB)")
    assert "nothing was imported" in error
    assert error in response.content.decode()
    assert not Job.objects.exists() and not Article.objects.exists()
    assert files_under(settings.JOBS_ROOT) == []


def test_it_takes_an_upload_just_under_max_upload_mb(admin_client, db, settings):
    settings.MAX_UPLOAD_MB = 1
    data = jsonl_thread() * (1000 * 1024 // len(jsonl_thread()))  # distinct ids are not needed

    upload(admin_client, data, name="full.jsonl")

    assert Job.objects.get().state == JobState.SUCCEEDED


def test_it_refuses_a_zip_bomb_on_the_form_naming_the_member(admin_client, db, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("c/utterances.jsonl", bytes(8 * 1024 * 1024))  # 8 MiB of zeros
    response = upload(admin_client, buffer.getvalue(), name="bomb.zip")

    content = response.content.decode()
    assert "bomb.zip: member &#x27;c/utterances.jsonl&#x27; is compressed" in content
    assert "(ZIP_MAX_RATIO)" in content
    assert not Job.objects.exists()
    assert files_under(settings.JOBS_ROOT) == []


def test_it_refuses_an_empty_form(admin_client, db):
    response = admin_client.post(reverse(IMPORT_URL), {"corpus": "bad slug!", "orphans": "error"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"corpus", "file"}


def test_it_refuses_the_import_to_staff_without_permissions(client, db):
    client.force_login(UserFactory(username="staff", is_staff=True))
    assert client.get(reverse(IMPORT_URL)).status_code == 403


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_it_offers_every_import_format(admin_client, db):
    content = admin_client.get(reverse(IMPORT_URL)).content.decode()
    for fmt in FORMATS:
        assert f'<option value="{fmt}">{fmt}</option>' in content
    assert "labelstudio: .json (a Label Studio export)" in content


def test_it_groups_the_labelled_formats_options(admin_client, db):
    form = admin_client.get(reverse(IMPORT_URL)).context["form"]
    legend, fields = form.fieldsets()[1]
    assert "labelstudio" in legend
    assert [f.name for f in fields] == [
        "labels",
        "annotator",
        "as_gold",
        "stance_attribute",
        "strict_schema",
    ]


def test_it_maps_the_options_to_the_readers_options():
    form = ImportUploadForm(
        {
            "corpus": "c",
            "orphans": "error",
            "annotator": " mia ",
            "as_gold": "on",
            "stance_attribute": "Position",
            "strict_schema": "on",
        },
        {"file": SimpleUploadedFile("a.json", b"[]")},
    )
    assert form.is_valid(), form.errors
    assert form.read_options() == ReadOptions(
        annotator="mia", as_gold=True, stance_attribute="Position", strict_schema=True
    )


def test_it_defaults_an_empty_stance_attribute():
    form = ImportUploadForm(
        {"corpus": "c", "orphans": "error", "stance_attribute": ""},
        {"file": SimpleUploadedFile("a.json", b"[]")},
    )
    assert form.is_valid(), form.errors
    assert form.read_options() == ReadOptions()


def test_it_imports_a_label_studio_export_told_by_its_content(admin_client, db):
    page = job_page(
        admin_client, upload(admin_client, EMOJI.read_bytes(), "project-3-at-2024.json")
    )
    assert Claim.objects.filter(article__external_id="201").count() == 4
    assert "regions converted from UTF-16: 2." in page


def test_it_gives_the_labels_to_the_annotator_named_in_the_form(admin_client, db):
    response = upload(
        admin_client, EMOJI.read_bytes(), "export.json", annotator="mia", as_gold="on"
    )
    assert Job.objects.get().state == JobState.SUCCEEDED, job_page(admin_client, response)
    assert set(Claim.objects.values_list("annotator__username", "is_gold")) == {("mia", True)}


def test_it_names_the_annotator_field_when_a_file_names_nobody(admin_client, db):
    tasks = [{"id": 1, "data": {"text": "Text."}, "annotations": [{"id": 2, "result": []}]}]
    page = job_page(admin_client, upload(admin_client, json.dumps(tasks).encode(), "export.json"))
    assert "Nothing was imported. export.json, line 1: task 1, annotation 2" in page
    assert "(the Annotator field)" in page and "--annotator" not in page
    assert not Article.objects.exists()


def test_it_hands_the_labels_file_to_the_reader(admin_client, db, monkeypatch, settings):
    seen = {}

    def fake_import(**kwargs):
        seen["labels"] = kwargs["options"].labels
        seen["bytes"] = kwargs["options"].labels.read_bytes()
        seen["annotator"] = kwargs["options"].annotator
        return importer.ImportSummary()

    monkeypatch.setattr(importer, "threads_import", fake_import)
    CorpusFactory(slug="uploads")
    labels = SimpleUploadedFile("rumoureval-subtaskA.json", b'{"1": "support"}')
    response = upload(admin_client, b"{}", "thread.json", labels=labels, annotator="mia")
    assert response.status_code == 302
    assert seen["bytes"] == b'{"1": "support"}'
    assert seen["annotator"] == "mia"
    # Saved beside the upload in the job's folder, for the worker (and a retry).
    job = Job.objects.get()
    assert seen["labels"].parent.parent == settings.JOBS_ROOT / str(job.pk)
    assert seen["labels"].name == "rumoureval-subtaskA.json"


def test_it_passes_the_labelled_options_to_the_job(admin_client, db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    labels = SimpleUploadedFile("labels.json", b"{}")
    upload(
        admin_client,
        b"{}",
        "thread.json",
        labels=labels,
        annotator="mia",
        as_gold="on",
        stance_attribute="Position",
        strict_schema="on",
    )
    job = Job.objects.get()
    assert job.params == {
        "corpus_slug": "uploads",
        "fmt": None,
        "orphans": "error",
        "annotator": "mia",
        "as_gold": True,
        "stance_attribute": "Position",
        "strict_schema": True,
        "labels_name": "labels.json",
    }
    folder = settings.JOBS_ROOT / str(job.pk)
    assert (folder / "thread.json").read_bytes() == b"{}"
    assert (folder / "labels-file" / "labels.json").read_bytes() == b"{}"


def test_it_imports_a_zip_of_a_convokit_corpus(admin_client, db):
    utterances = [
        {"id": "p1", "conversation_id": "p1", "reply-to": None, "speaker": "op", "text": "Post."},
        {"id": "u1", "conversation_id": "p1", "reply-to": "p1", "speaker": "x", "text": "Top."},
    ]
    data = "".join(json.dumps(u) + "\n" for u in utterances).encode()
    archive = zipped({"corpus/utterances.jsonl": data, "__MACOSX/corpus/._utterances.jsonl": b""})
    page = job_page(admin_client, upload(admin_client, archive, "corpus.zip"))
    assert "Imported 1 thread" in page
    assert Article.objects.filter(external_id="p1").exists()


def test_it_names_what_a_zip_may_hold_when_it_holds_none(admin_client, db):
    page = job_page(admin_client, upload(admin_client, zipped({"notes/readme.md": b"x"}), "n.zip"))
    assert "Nothing was imported. n.zip: the zip holds nothing" in page
    assert "utterances.jsonl" in page
