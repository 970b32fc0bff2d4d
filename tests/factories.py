"""factory_boy factories for the domain, and the fixed cast used by access tests."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from annotate.models import (
    Assignment,
    Claim,
    CorpusGrant,
    Job,
    JobKind,
    JobState,
    LabelKind,
    LabelValue,
    Relation,
    ReplyLabel,
)
from annotate.services.corpora import schema_ensure_defaults
from threads.models import Article, Comment, Corpus

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class CorpusFactory(factory.django.DjangoModelFactory):
    """A corpus with the default label schema, as every real corpus has."""

    class Meta:
        model = Corpus
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"corpus-{n}")
    title = factory.LazyAttribute(lambda c: c.slug.replace("-", " ").title())

    @factory.post_generation
    def schema(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            schema_ensure_defaults(corpus=obj)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    corpus = factory.SubFactory(CorpusFactory)
    external_id = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Faker("sentence")
    body = "The article's main claim. A second sentence."


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment; pass ``parent=`` for a reply. ``position`` defaults to the end of the thread."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    parent = None
    external_id = factory.Sequence(lambda n: f"c{n}")
    author = factory.Faker("user_name")
    text = factory.Faker("paragraph")
    depth = factory.LazyAttribute(lambda c: 0 if c.parent is None else c.parent.depth + 1)
    position = factory.LazyAttribute(lambda c: Comment.objects.filter(article=c.article).count())


def label(corpus: Corpus, kind: str, name: str) -> LabelValue:
    return LabelValue.objects.get(corpus=corpus, kind=kind, name=name)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    annotator = factory.SubFactory(UserFactory)
    article = factory.SubFactory(ArticleFactory)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim over the first word of its text (the article body unless ``comment`` is given)."""

    class Meta:
        model = Claim
        exclude = ("source",)

    annotator = factory.SubFactory(UserFactory)
    article = factory.SubFactory(ArticleFactory)
    corpus = factory.LazyAttribute(lambda c: c.article.corpus)
    comment = None
    start = 0
    end = factory.LazyAttribute(
        lambda c: len((c.comment.text if c.comment else c.article.body).split(" ")[0]) or 1
    )
    quote = factory.LazyAttribute(
        lambda c: (c.comment.text if c.comment else c.article.body)[c.start : c.end]
    )
    claim_type = factory.LazyAttribute(
        lambda c: label(c.article.corpus, LabelKind.CLAIM_TYPE, "claim")
    )
    stance = factory.LazyAttribute(lambda c: label(c.article.corpus, LabelKind.STANCE, "support"))
    stance_target = factory.LazyAttribute(
        lambda c: None
        if c.target_claim
        else label(c.article.corpus, LabelKind.STANCE_TARGET, "thesis")
    )
    target_claim = None
    source = None


class RelationFactory(factory.django.DjangoModelFactory):
    """A ``support`` relation from a claim to another of the same annotator (gold: gold) on the
    same thread; pass ``to_claim=`` (and ``from_claim=``) to choose them."""

    class Meta:
        model = Relation

    from_claim = factory.SubFactory(ClaimFactory)
    to_claim = factory.LazyAttribute(
        lambda r: ClaimFactory(
            article=r.from_claim.article,
            annotator=r.from_claim.annotator,
            is_gold=r.from_claim.is_gold,
        )
    )
    type = factory.LazyAttribute(
        lambda r: label(r.from_claim.article.corpus, LabelKind.RELATION, "support")
    )
    article = factory.LazyAttribute(lambda r: r.from_claim.article)
    annotator = factory.LazyAttribute(lambda r: r.from_claim.annotator)
    is_gold = factory.LazyAttribute(lambda r: r.from_claim.is_gold)


class ReplyLabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReplyLabel

    annotator = factory.SubFactory(UserFactory)
    comment = factory.SubFactory(CommentFactory)
    article = factory.LazyAttribute(lambda r: r.comment.article)
    corpus = factory.LazyAttribute(lambda r: r.article.corpus)
    label = factory.LazyAttribute(
        lambda r: label(r.comment.article.corpus, LabelKind.REPLY_LABEL, "support")
    )


class CorpusGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorpusGrant

    user = factory.SubFactory(UserFactory)
    corpus = factory.SubFactory(CorpusFactory)
    role = "researcher"


class ImportJobFactory(factory.django.DjangoModelFactory):
    """An import job as the admin's form makes it, without its upload (write one with
    ``tests.annotate.jobs.conftest.saved_upload``)."""

    class Meta:
        model = Job

    kind = JobKind.IMPORT
    state = JobState.QUEUED
    created_by = factory.SubFactory(UserFactory, is_staff=True)
    file_name = "threads.jsonl"
    params = factory.LazyFunction(
        lambda: {"corpus_slug": "uploads", "fmt": None, "orphans": "error"}
    )
