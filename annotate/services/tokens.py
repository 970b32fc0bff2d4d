"""API tokens: a user's one token, replaced on request."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def token_regenerate(*, user: User) -> Token:
    """Give ``user`` a new API token; the old one (if any) stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_get(*, user: User) -> Token | None:
    """``user``'s API token, if they made one."""
    return Token.objects.filter(user=user).first()


def token_revoke(*, user: User) -> int:
    """Delete ``user``'s API token, if any (their password changed); how many were deleted."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted
