"""API clients for the tests: a token client per user, and the ids an answer lists."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    """An API client sending ``user``'s token (anonymous for ``None``)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def ids(response) -> set[int]:
    """The ids on a (paginated or plain) list response."""
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    return {row["id"] for row in rows}
