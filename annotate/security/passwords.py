"""A password change revokes the user's API token.

Django calls ``password_changed`` on every configured password validator once a new password
is saved (``AbstractBaseUser.save`` after ``set_password``), whichever way it was set: the
password change and reset pages, the admin's password form, ``manage.py changepassword``, code.
That is the one place every path passes, so the revocation is written as a validator that
checks nothing. A rehash on sign-in (a new hasher) saves the same password and does not call it.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User

from annotate.services.tokens import token_revoke


class RevokeApiTokenOnPasswordChange:
    """Revoke the user's API token when their password changes; every password passes."""

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        return None

    def password_changed(self, password: str, user: AbstractBaseUser | None = None) -> None:
        if isinstance(user, User) and user.pk is not None:
            token_revoke(user=user)

    def get_help_text(self) -> str:
        return (
            "Changing the password also revokes the API token: make a new one on the profile page."
        )
