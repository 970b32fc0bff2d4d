"""grant: give or take a role on a corpus from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotate.models import CorpusGrant

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("grant", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("role", ["annotator", "reviewer", "researcher"])
def test_it_grants_each_role(corpus, alice, role):
    assert run("demo", "alice", "--role", role).strip() == f"alice is now {role} of demo."
    assert CorpusGrant.objects.filter(user=alice, corpus=corpus, role=role).exists()


def test_it_says_when_the_role_was_already_there(corpus, alice):
    run("demo", "alice", "--role", "annotator")
    assert "already annotator" in run("demo", "alice", "--role", "annotator")
    assert CorpusGrant.objects.count() == 1


def test_it_revokes_a_role(corpus, victor):
    assert "no longer reviewer" in run("demo", "victor", "--role", "reviewer", "--revoke")
    assert not CorpusGrant.objects.filter(user=victor).exists()


def test_it_says_when_there_was_nothing_to_revoke(corpus, alice):
    assert "nothing changed" in run("demo", "alice", "--role", "reviewer", "--revoke")


def test_it_refuses_an_unknown_user(corpus):
    with pytest.raises(CommandError, match="No user named “zed”"):
        run("demo", "zed", "--role", "annotator")


def test_it_refuses_an_unknown_corpus(alice):
    with pytest.raises(CommandError, match="No corpus “nope”"):
        run("nope", "alice", "--role", "annotator")


def test_it_refuses_an_unknown_role(corpus, alice):
    with pytest.raises(CommandError, match="invalid choice: 'boss'"):
        run("demo", "alice", "--role", "boss")
    assert not CorpusGrant.objects.exists()
