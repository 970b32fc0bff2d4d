"""The import_threads and export_corpus commands: thin shells with clear messages and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from annotate.management.commands.import_threads import Command as ImportCommand
from tests.factories import ArticleFactory, CommentFactory, CorpusFactory
from threads.models import Article, Comment

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "russia-israel-thread.txt"

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def jsonl_thread(tid: str) -> str:
    return json.dumps(
        {
            "id": tid,
            "title": "T",
            "body": "Body.",
            "comments": [{"id": "c1", "parent_id": None, "text": "Hi."}],
        }
    )


def test_it_imports_a_file_and_prints_a_one_line_summary():
    output = run("import_threads", str(EXAMPLE), "--corpus", "demo")

    assert output.count("\n") == 1
    assert "1 thread" in output and "30 comments" in output and " s." in output
    assert Comment.objects.count() == 30


def test_it_refuses_a_missing_file(tmp_path):
    missing = tmp_path / "missing.txt"

    with pytest.raises(CommandError) as error:
        run("import_threads", str(missing), "--corpus", "demo")

    assert str(missing) in str(error.value) and "no such file" in str(error.value)


def test_it_refuses_an_unknown_format():
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        run("import_threads", str(EXAMPLE), "--corpus", "demo", "--format", "xml")


def test_it_names_the_file_and_line_of_a_bad_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(jsonl_thread("t1") + "\n" + '{"id": "t2", "title": 3}\n', encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run("import_threads", str(bad), "--corpus", "demo")

    assert str(error.value).startswith(f"{bad}, line 2")
    assert not Article.objects.exists()


def test_it_exits_non_zero_with_the_message_on_stderr(tmp_path, capsys, monkeypatch):
    # run_from_argv closes the connections when it ends; the test still needs its own.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    missing = tmp_path / "missing.txt"

    with pytest.raises(SystemExit) as exit_:
        ImportCommand().run_from_argv(
            ["manage.py", "import_threads", str(missing), "--corpus", "x"]
        )

    assert exit_.value.code != 0
    assert "no such file" in capsys.readouterr().err


def test_it_exits_non_zero_with_a_database_error_as_a_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    def created_meanwhile(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "corpus_slug"')

    monkeypatch.setattr("annotate.exchange.importer.corpus_get_or_create", created_meanwhile)

    with pytest.raises(SystemExit) as exit_:
        ImportCommand().run_from_argv(
            ["manage.py", "import_threads", str(EXAMPLE), "--corpus", "x"]
        )

    err = capsys.readouterr().err
    assert exit_.value.code != 0
    assert "already exists" in err and "Traceback" not in err


def test_it_applies_the_orphans_option(tmp_path):
    path = tmp_path / "orphans.jsonl"
    record = json.loads(jsonl_thread("t1"))
    record["comments"].append({"id": "c2", "parent_id": "gone", "text": "Lost."})
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")

    output = run("import_threads", str(path), "--corpus", "demo", "--orphans", "skip")

    assert "1 skipped" in output
    assert Comment.objects.count() == 1


def test_it_adds_new_label_values_and_says_so_unless_strict_schema(tmp_path):
    path = tmp_path / "labelled.jsonl"
    record = json.loads(jsonl_thread("t1"))
    record["annotations"] = {
        "claims": [],
        "reply_labels": [{"annotator": "ann", "comment_id": "c1", "label": "agree"}],
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match="unknown reply label 'agree'"):
        run("import_threads", str(path), "--corpus", "demo", "--strict-schema")
    output = run("import_threads", str(path), "--corpus", "demo")

    assert "Added to the label schema: reply label: agree." in output


@pytest.fixture
def small_corpus():
    corpus = CorpusFactory(slug="small")
    article = ArticleFactory(corpus=corpus, external_id="a1", body="Body 🙂.")
    CommentFactory(article=article, external_id="c1", author="Some One", text="Hi.")
    return corpus


def test_it_exports_jsonl_to_a_file(small_corpus, tmp_path):
    path = tmp_path / "out.jsonl"

    output = run("export_corpus", "small", "--format", "jsonl", "-o", str(path))

    (line,) = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["body"] == "Body 🙂."
    assert output.startswith("Exported 1 thread, 1 comment")


def test_it_exports_to_stdout(small_corpus):
    output = run("export_corpus", "small", "--format", "jsonl", "-o", "-")

    (line,) = output.splitlines()
    assert json.loads(line)["comments"][0]["author"] == "Some One"


def test_it_exports_csv_to_stdout(small_corpus):
    output = run("export_corpus", "small", "--format", "csv", "-o", "-")

    assert output.startswith("thread_id,comment_id,depth")


def test_it_pseudonymises_on_request(small_corpus):
    output = run("export_corpus", "small", "-o", "-", "--pseudonymise")

    assert "Some One" not in output and "anon-" in output


def test_it_exports_convokit_to_a_folder(small_corpus, tmp_path):
    run("export_corpus", "small", "--format", "convokit", "-o", str(tmp_path / "ck"))

    assert (tmp_path / "ck" / "utterances.jsonl").exists()


def test_it_refuses_convokit_to_stdout(small_corpus):
    with pytest.raises(CommandError, match="convokit export is a folder"):
        run("export_corpus", "small", "--format", "convokit", "-o", "-")


def test_it_refuses_brat_to_stdout(small_corpus):
    with pytest.raises(CommandError, match="brat export is a zip"):
        run("export_corpus", "small", "--format", "brat", "-o", "-")


def test_it_lists_the_known_corpora_for_an_unknown_one(small_corpus):
    CorpusFactory(slug="other")

    with pytest.raises(CommandError) as error:
        run("export_corpus", "nope", "-o", "-")

    assert str(error.value) == "no corpus 'nope'; known corpora: other, small"


def test_it_caps_the_list_of_known_corpora():
    for n in range(25):
        CorpusFactory(slug=f"c{n:02d}")

    with pytest.raises(CommandError) as error:
        run("export_corpus", "nope", "-o", "-")

    assert "c19 ..." in str(error.value) and "c20" not in str(error.value)
