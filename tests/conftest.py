"""Shared fixtures: the fixed cast for access checks and a small thread.

The cast (STYLE.md): alice and bob annotate, rita researches, victor reviews,
charlie is an outsider with an account and no rights; admin is staff.
"""

from __future__ import annotations

import pytest

from tests.factories import (
    PASSWORD,
    ArticleFactory,
    AssignmentFactory,
    CommentFactory,
    CorpusFactory,
    CorpusGrantFactory,
    UserFactory,
)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def corpus(db):
    return CorpusFactory(slug="demo", title="Demo corpus")


@pytest.fixture
def article(corpus):
    return ArticleFactory(
        corpus=corpus, external_id="thread-1", title="A thread", body="Thesis 🚀 here."
    )


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie")


@pytest.fixture
def rita(corpus):
    user = UserFactory(username="rita")
    CorpusGrantFactory(user=user, corpus=corpus, role="researcher")
    return user


@pytest.fixture
def victor(corpus):
    user = UserFactory(username="victor")
    CorpusGrantFactory(user=user, corpus=corpus, role="reviewer")
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def thread(article, alice, bob):
    """The article with a small reply tree, assigned to alice and bob.

    c1
      c2
        c3
    c4
    """
    c1 = CommentFactory(article=article, external_id="c1", text="First 😀 comment.")
    c2 = CommentFactory(article=article, parent=c1, external_id="c2", text="A reply.")
    c3 = CommentFactory(article=article, parent=c2, external_id="c3", text="Deeper 𝕏 reply.")
    c4 = CommentFactory(article=article, external_id="c4", text="Second top-level.")
    AssignmentFactory(annotator=alice, article=article)
    AssignmentFactory(annotator=bob, article=article)
    return {"article": article, "c1": c1, "c2": c2, "c3": c3, "c4": c4}


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests run with DEBUG off but without collectstatic: look static files up as they are."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 takes most of a second a user on this machine; tests need no strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings, tmp_path_factory):
    """Background jobs run inside the call that enqueues them (Django's immediate backend) and
    keep their files in a folder of the test's own. Tests of the worker itself set
    django-tasks-db's backend (tests/annotate/jobs/)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_ROOT = tmp_path_factory.mktemp("jobs")
