"""Who may see what. Views and APIs call these; they return objects or raise 404.

- Admins (``is_staff``) see everything.
- Reviewers and researchers see the corpora they hold a :class:`CorpusGrant` for.
- Annotators see only the threads assigned to them, and only their own labels.

A thread a user may not see is a 404, never a 403, so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import (
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
)
from django.db.models.lookups import In
from django.http import Http404

from annotate.models import (
    Assignment,
    CorpusGrant,
    GrantRole,
)
from threads.models import Article, Corpus

AnyUser = User | AnonymousUser


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_staff)


# The roles that read every label of a corpus; an annotator's grant shows only their own.
READER_ROLES: tuple[str, ...] = (GrantRole.REVIEWER, GrantRole.RESEARCHER)


def corpora_for(user: AnyUser, *, roles: tuple[str, ...] = READER_ROLES) -> QuerySet[Corpus]:
    """Corpora ``user`` holds one of ``roles`` on (all of them for an admin)."""
    if is_admin(user):
        return Corpus.objects.all()
    if not user.is_authenticated:
        return Corpus.objects.none()
    granted = CorpusGrant.objects.filter(user=user, role__in=roles).values("corpus_id")
    return Corpus.objects.filter(pk__in=granted)


@dataclass
class CorpusRoles:
    """A user's roles: ``admin`` (staff: every corpus), and the corpus ids of each grant."""

    admin: bool
    annotator: set[int] = field(default_factory=set)
    reviewer: set[int] = field(default_factory=set)
    researcher: set[int] = field(default_factory=set)

    @property
    def corpus_ids(self) -> set[int]:
        return self.reviewer | self.researcher


def corpus_roles_for(user: AnyUser) -> CorpusRoles:
    """What ``user`` may do where (one query; none for a signed-out visitor)."""
    roles = CorpusRoles(admin=is_admin(user))
    if user.is_authenticated:
        for corpus_id, role in CorpusGrant.objects.filter(user=user).values_list(
            "corpus_id", "role"
        ):
            getattr(roles, role).add(corpus_id)
    return roles


def get_corpus_for_lead(user: AnyUser, slug: str) -> Corpus:
    """The corpus ``slug`` for its progress view: admins and the corpus's reviewers, else 404."""
    corpus = corpora_for(user, roles=(GrantRole.REVIEWER,)).filter(slug=slug).first()
    if corpus is None:
        raise Http404("No such corpus among those you lead or review.")
    return corpus


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
    """The assignment of ``user`` to the article, with article and corpus (and the directions
    its reply labels take) loaded, or 404."""
    assignment = (
        Assignment.objects.select_related("article", "article__corpus__reply_scope")
        .filter(annotator_id=getattr(user, "pk", None), article_id=article_id)
        .first()
    )
    if assignment is None:
        raise Http404("No such thread among your assignments.")
    return assignment


def api_corpora_for(user: AnyUser) -> QuerySet[Corpus]:
    """Corpora ``user`` may read over the API.

    Admins: all. Reviewers and researchers: the corpora they are granted.
    Annotators: the corpora of the threads assigned to them.
    """
    if is_admin(user):
        return Corpus.objects.all()
    if not user.is_authenticated:
        return Corpus.objects.none()
    granted = CorpusGrant.objects.filter(user=user).values("corpus_id")
    assigned = Article.objects.filter(assignments__annotator=user).values("corpus_id")
    return Corpus.objects.filter(Q(pk__in=granted) | Q(pk__in=assigned))


def api_labels_visible_q(user: AnyUser, *, corpus: str = "corpus_id") -> Q:
    """The claims, reply labels or relations ``user`` may read, as a filter on any of them.

    ``corpus`` is the field that holds a row's corpus: claims and reply labels carry it,
    relations read it through their thread (``"article__corpus_id"``).

    Admins read every label; reviewers and researchers every label (annotators'
    and gold) of the corpora they are granted; annotators only their own labels
    on the threads assigned to them.

    On PostgreSQL the grants are read here (a small query) rather than left as a
    subquery: with the corpora as literal ids, and no OR for a user who
    annotates nothing (one ``exists`` query), it estimates a page well and
    reads it serially in id order (with subqueries it planned parallel
    workers: 25 ms, not 1). The corpus is the label's own column (annotate
    migration 0005), so no join to the articles (but for relations).
    """
    if is_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    grants = CorpusGrant.objects.filter(
        user=user, role__in=(GrantRole.REVIEWER, GrantRole.RESEARCHER)
    ).values_list("corpus_id", flat=True)
    if connection.vendor == "sqlite":
        # SQLite has no statistics: it would read the granted corpora's claims
        # through the (corpus, id) index and sort them all (a million: half a
        # second) to return a page. ``+corpus_id`` keeps it reading in id order,
        # or through that index for the one corpus a ``corpus=`` filter names.
        corpus_id = Func(F(corpus), template="+%(expressions)s", output_field=IntegerField())
        visible = Q(In(corpus_id, grants))
    else:
        granted = list(grants.distinct())
        visible = Q(**{f"{corpus}__in": granted}) if granted else Q(pk__in=[])
    assigned = Assignment.objects.filter(annotator=user)
    if assigned.exists():
        visible |= Q(annotator=user, article_id__in=assigned.values("article_id"))
    return visible


def get_corpus_for_reader(user: AnyUser, slug: str) -> Corpus:
    """A corpus whose every label ``user`` may read (its reviewers and researchers, admins);
    404 for anyone else, as for one that does not exist."""
    corpora = Corpus.objects.all() if is_admin(user) else corpora_for(user)
    # With the directions its reply labels take: its agreement figures read them.
    corpus = corpora.filter(slug=slug).select_related("reply_scope").first()
    if corpus is None:
        raise Http404("No corpus with this slug among those you can read.")
    return corpus


def reviews_corpus(user: AnyUser, corpus_id: int) -> bool:
    """Whether ``user`` settles gold on the corpus: a reviewer grant on it, or an admin."""
    if is_admin(user):
        return True
    if not user.is_authenticated:
        return False
    return CorpusGrant.objects.filter(
        user=user, corpus_id=corpus_id, role=GrantRole.REVIEWER
    ).exists()


def get_thread_for_reviewer(user: AnyUser, article_id: int) -> Article:
    """The article with its corpus (and the directions its reply labels take) loaded, if ``user``
    reviews its corpus (admins: any), or 404.

    One query. Annotators, researchers and outsiders get the same 404 as a missing thread.
    """
    articles = Article.objects.select_related("corpus__reply_scope").filter(pk=article_id)
    if not is_admin(user):
        articles = articles.filter(corpus__in=corpora_for(user, roles=(GrantRole.REVIEWER,)))
    article = articles.first()
    if article is None:
        raise Http404("No such thread among the corpora you review.")
    return article
