"""assign_threads: k annotators per thread from the command line; bad input changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotate.models import Assignment
from tests.factories import ArticleFactory, CorpusGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(corpus):
    for name in ("alice", "bob", "carol"):
        CorpusGrantFactory(user=UserFactory(username=name), corpus=corpus, role="annotator")
    return corpus


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("assign_threads", *args, stdout=out)
    return out.getvalue()


def test_it_assigns_every_unassigned_thread_to_k_annotators(pool):
    ArticleFactory.create_batch(4, corpus=pool)
    output = run("demo", "--k", "2", "--annotators", "alice,bob,carol", "--seed", "5")
    assert "Created 8 assignments on 4 threads" in output and "seed 5" in output
    assert Assignment.objects.count() == 8


def test_it_gives_the_same_plan_for_the_same_seed(pool):
    ArticleFactory.create_batch(5, corpus=pool)
    run("demo", "--k", "1", "--annotators", "alice,bob,carol", "--seed", "9")
    first = set(Assignment.objects.values_list("annotator__username", "article_id"))
    Assignment.objects.all().delete()
    run("demo", "--k", "1", "--annotators", "alice,bob,carol", "--seed", "9")
    assert set(Assignment.objects.values_list("annotator__username", "article_id")) == first


def test_it_assigns_only_the_threads_in_the_file(pool, tmp_path):
    ArticleFactory(corpus=pool, external_id="t1")
    ArticleFactory(corpus=pool, external_id="t2")
    ArticleFactory(corpus=pool, external_id="t3")
    ids = tmp_path / "threads.txt"
    ids.write_text("t1\n\nt3\n")
    run("demo", "--k", "1", "--annotators", "alice", "--threads-from", str(ids))
    assert set(Assignment.objects.values_list("article__external_id", flat=True)) == {"t1", "t3"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "4", "--annotators", "alice,bob,carol"], "k = 4 is more than the 3 annotators"),
        (["--k", "1", "--annotators", "alice,zed"], "No user named 'zed'"),
        (["--k", "x", "--annotators", "alice"], "--k must be a whole number, not “x”"),
        (["--k", "1", "--annotators", "alice", "--seed", "abc"], "--seed must be a whole number"),
        (["--k", "1", "--annotators", ","], "--annotators names nobody"),
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(pool, args, message):
    ArticleFactory(corpus=pool)
    with pytest.raises(CommandError, match=message):
        run("demo", *args)
    assert not Assignment.objects.exists()


def test_it_refuses_a_user_without_the_annotator_role(pool):
    UserFactory(username="rita")
    ArticleFactory(corpus=pool)
    with pytest.raises(CommandError, match="rita has no annotator role on corpus “demo”"):
        run("demo", "--k", "1", "--annotators", "alice,rita")
    assert not Assignment.objects.exists()


def test_it_refuses_an_unknown_thread_in_the_file(pool, tmp_path):
    ArticleFactory(corpus=pool, external_id="t1")
    ids = tmp_path / "threads.txt"
    ids.write_text("t1\nnope\n")
    with pytest.raises(CommandError, match=r"threads.txt, line 2: no thread “nope” in corpus demo"):
        run("demo", "--k", "1", "--annotators", "alice", "--threads-from", str(ids))
    assert not Assignment.objects.exists()


def test_it_refuses_an_unknown_corpus(db):
    with pytest.raises(CommandError, match="No corpus “nope”"):
        run("nope", "--k", "1", "--annotators", "alice")


def test_it_exits_non_zero_on_bad_input(pool, capsys):
    with pytest.raises(SystemExit) as exit_info:
        from django.core.management import ManagementUtility

        ManagementUtility(
            ["manage.py", "assign_threads", "demo", "--k", "9", "--annotators", "alice"]
        ).execute()
    assert exit_info.value.code != 0
    assert "k = 9 is more than" in capsys.readouterr().err
