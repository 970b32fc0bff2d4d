"""Who is signed in, read in two compiled queries on every request.

Django's database sessions and its model backend, unchanged in what they decide, but each read
(the session by key and unexpired, the user by id) runs as a compiled statement
(:class:`annotate.selectors.CompiledRead`, prepared on PostgreSQL) rather than through a fresh
queryset: building the two querysets cost a request more CPU than the database takes to answer.
Sessions still live in the database, so signing out (or a password change) ends them at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from annotate.selectors import CompiledRead

_SESSION_READ = CompiledRead(
    lambda session_key, now: Session.objects.filter(
        session_key=session_key, expire_date__gt=now
    ).values_list("session_data"),
    strings=("session_key",),
    datetimes=("now",),
)


class SessionStore(db.SessionStore):
    """``django.contrib.sessions.backends.db`` with its one read compiled once."""

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        if key:
            rows = _SESSION_READ.rows(session_key=key, now=timezone.now())
            if rows:
                return Session(session_key=key, session_data=rows[0][0])
        self._session_key = None
        return None


User = get_user_model()
_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]
_USER_READ = CompiledRead(
    lambda user_id: User._default_manager.filter(pk=user_id).values_list(*_USER_FIELDS),
    "user_id",
    convert=True,
)


class ModelBackend(DjangoModelBackend):
    """Django's model backend, reading the signed-in user with a compiled query."""

    def get_user(self, user_id: Any) -> Any:
        rows = _USER_READ.rows(user_id=user_id)
        if not rows:
            return None
        user = User.from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, rows[0])
        return user if self.user_can_authenticate(user) else None
