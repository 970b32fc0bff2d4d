"""load_demo: the example corpus and one demo user per role, safe to run again."""

from __future__ import annotations

import io
import re
import stat

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from annotate.models import (
    AnnotationEvent,
    Assignment,
    Claim,
    CorpusGrant,
    Relation,
    ReplyLabel,
)
from tests.factories import ClaimFactory
from threads.models import Article, Comment, Corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users_file(tmp_path):
    return tmp_path / "var" / "demo-users.txt"


def load(users_file) -> str:
    out = io.StringIO()
    call_command("load_demo", "--users-file", str(users_file), stdout=out)
    return out.getvalue()


def signs_in(username: str, password: str) -> bool:
    # As the sign-in page asks: the lockout (django-axes) needs the request.
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password) is not None


def passwords(output: str) -> dict[str, str]:
    found = re.findall(r"^\s+(admin|alice|bob|rita|victor)\s+.*?\s(\S+)$", output, re.M)
    return dict(found)


def test_it_loads_the_example_thread_into_the_demo_corpus(users_file):
    load(users_file)

    corpus = Corpus.objects.get(slug="demo")
    assert corpus.title == "Demo: Russia–Israel thread"
    assert "stance" in corpus.guidelines.lower()
    assert Article.objects.get(corpus=corpus).external_id == "russia-israel-thread"
    assert Comment.objects.filter(article__corpus=corpus).count() == 30


def test_it_prints_each_new_users_password_once(users_file):
    output = load(users_file)

    found = passwords(output)
    assert set(found) == {"admin", "alice", "bob", "rita", "victor"}
    for username, password in found.items():
        assert signs_in(username, password)


def test_it_makes_admin_a_superuser(users_file):
    load(users_file)

    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_it_assigns_the_demo_thread_to_the_annotators(users_file):
    load(users_file)

    assigned = set(Assignment.objects.values_list("annotator__username", flat=True))
    assert assigned == {"alice", "bob"}


def test_it_grants_the_annotators_the_researcher_and_the_reviewer(users_file):
    load(users_file)

    grants = set(CorpusGrant.objects.values_list("user__username", "role"))
    assert grants == {
        ("alice", "annotator"),
        ("bob", "annotator"),
        ("rita", "researcher"),
        ("victor", "reviewer"),
    }


def test_it_gives_the_researcher_an_api_token(users_file):
    output = load(users_file)

    token = Token.objects.get(user__username="rita")
    assert token.key in output


def test_it_keeps_the_passwords_in_a_file_only_its_owner_reads(users_file):
    output = load(users_file)

    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert passwords(users_file.read_text(encoding="utf-8")) == passwords(output)


def test_it_says_where_the_passwords_are_when_run_again(users_file):
    load(users_file)

    output = load(users_file)

    assert "already exist" in output and str(users_file) in output
    assert passwords(output) == {}


def test_it_keeps_passwords_and_data_when_run_again(users_file):
    first = passwords(load(users_file))
    article = Article.objects.get(corpus__slug="demo")
    alice = get_user_model().objects.get(username="alice")
    ClaimFactory(annotator=alice, article=article)
    claims = Claim.objects.count()

    load(users_file)

    assert Article.objects.count() == 1 and Comment.objects.count() == 30
    assert Claim.objects.count() == claims
    assert Assignment.objects.count() == 2
    assert signs_in("alice", first["alice"])


def test_it_creates_only_the_missing_users(users_file, admin_user):
    output = load(users_file)

    assert set(passwords(output)) == {"alice", "bob", "rita", "victor"}


def test_it_gives_alice_and_bob_labels_that_partly_disagree(users_file):
    load(users_file)

    by = {
        name: set(
            Claim.objects.filter(annotator__username=name).values_list(
                "comment__external_id", "start", "end", "stance__name"
            )
        )
        for name in ("alice", "bob")
    }
    assert by["alice"] & by["bob"] and by["alice"] != by["bob"]
    labels = {
        name: dict(
            ReplyLabel.objects.filter(annotator__username=name).values_list(
                "comment__external_id", "label__name"
            )
        )
        for name in ("alice", "bob")
    }
    assert labels["alice"]["c1"] == labels["bob"]["c1"]
    assert labels["alice"]["c2"] != labels["bob"]["c2"]


def test_it_records_the_demo_labels_in_the_history(users_file):
    load(users_file)

    labels = Claim.objects.count() + Relation.objects.count() + ReplyLabel.objects.count()
    assert AnnotationEvent.objects.count() == labels


def test_it_gives_the_demo_claims_relations(users_file):
    load(users_file)

    relations = Relation.objects.values_list("annotator__username", "type__name")
    assert sorted(relations) == [("alice", "attack"), ("bob", "attack"), ("bob", "support")]


def test_it_adds_the_demo_labels_once(users_file):
    load(users_file)
    counts = (Claim.objects.count(), ReplyLabel.objects.count())

    load(users_file)

    assert (Claim.objects.count(), ReplyLabel.objects.count()) == counts


def test_it_does_not_say_0_new_users_before_listing_them(users_file):
    output = load(users_file)

    assert "new user" not in output
    assert "Demo corpus “demo”: 1 thread(s) imported" in output
