"""Small permission classes for the API, combined with ``&`` in the views.

What a user may *see* is decided by the selectors (a hidden corpus or thread is
a 404, as if it did not exist); these classes decide what a user may *do*.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from annotate.access import corpora_for, is_admin
from threads.models import Corpus


class ReadOnly(BasePermission):
    """The API only reads: every write is refused, whoever asks."""

    message = "The Threadlab API is read-only: use GET."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS


class CanExportCorpus(BasePermission):
    """Whole-corpus exports carry every annotator's labels: admins, reviewers and researchers."""

    message = (
        "Exports carry every annotator's labels: only the corpus's researchers, "
        "reviewers and admins may download them."
    )

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if not isinstance(obj, Corpus):
            return False
        return is_admin(request.user) or corpora_for(request.user).filter(pk=obj.pk).exists()
