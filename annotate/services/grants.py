"""Roles on a corpus: granting and revoking annotator, reviewer and researcher grants (admins
are staff users, set in the admin)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotate.models import CorpusGrant, GrantRole
from threads.models import Corpus


def _role_check(role: str) -> None:
    if role not in GrantRole.values:
        raise ValidationError(f"“{role}” is not a role; use one of {', '.join(GrantRole.values)}.")


@transaction.atomic
def corpus_grant_add(*, corpus: Corpus, user: AbstractBaseUser, role: str) -> bool:
    """Give ``user`` the ``role`` on ``corpus``; returns False when they already had it."""
    _role_check(role)
    _, created = CorpusGrant.objects.get_or_create(corpus=corpus, user_id=user.pk, role=role)
    return created


@transaction.atomic
def corpus_grant_revoke(*, corpus: Corpus, user: AbstractBaseUser, role: str) -> bool:
    """Take the ``role`` on ``corpus`` from ``user``; returns False when they did not have it.

    Revoking the annotator role leaves the user's assignments and labels as they are: it only
    stops them being offered for new assignments.
    """
    _role_check(role)
    deleted, _ = CorpusGrant.objects.filter(corpus=corpus, user_id=user.pk, role=role).delete()
    return bool(deleted)
