"""Who may see what. Views and APIs call these; they return objects or raise 404.

- Admins (``is_staff``) see everything.
- Reviewers and researchers see the corpora they hold a :class:`CorpusGrant` for.
- Annotators see only the threads assigned to them, and only their own labels.

A thread a user may not see is a 404, never a 403, so its existence is not revealed.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from annotate.models import Assignment, CorpusGrant, GrantRole
from threads.models import Article, Corpus

AnyUser = User | AnonymousUser


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def corpora_for(user: AnyUser, *, roles: tuple[str, ...] = tuple(GrantRole)) -> QuerySet[Corpus]:
    """Corpora ``user`` holds one of ``roles`` on (all of them for an admin)."""
    if is_admin(user):
        return Corpus.objects.all()
    if not user.is_authenticated:
        return Corpus.objects.none()
    granted = CorpusGrant.objects.filter(user=user, role__in=roles).values("corpus_id")
    return Corpus.objects.filter(pk__in=granted)


def articles_for_annotator(user: AnyUser) -> QuerySet[Article]:
    """Articles assigned to ``user``."""
    if not user.is_authenticated:
        return Article.objects.none()
    return Article.objects.filter(
        pk__in=Assignment.objects.filter(annotator=user).values("article_id")
    )


def articles_visible_to(user: AnyUser) -> QuerySet[Article]:
    """Articles ``user`` may read: assigned ones, plus those of granted corpora."""
    if is_admin(user):
        return Article.objects.all()
    if not user.is_authenticated:
        return Article.objects.none()
    return Article.objects.filter(
        Q(pk__in=Assignment.objects.filter(annotator=user).values("article_id"))
        | Q(corpus__in=corpora_for(user))
    )


def get_thread_for_annotator(user: AnyUser, article_id: int) -> Assignment:
    """The assignment of ``user`` to the article, with article and corpus loaded, or 404."""
    assignment = (
        Assignment.objects.select_related("article", "article__corpus")
        .filter(annotator_id=getattr(user, "pk", None), article_id=article_id)
        .first()
    )
    if assignment is None:
        raise Http404("No such thread among your assignments.")
    return assignment
