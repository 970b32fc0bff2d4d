"""Writes of the annotation side: keyword-only services that validate, then write atomically."""

from __future__ import annotations

from django.db import transaction

from annotate.models import DEFAULT_SCHEMA, LabelValue
from threads.models import Corpus


@transaction.atomic
def corpus_create(
    *, slug: str, title: str = "", description: str = "", guidelines: str = ""
) -> Corpus:
    """Create a corpus with the default label schema (DESIGN.md "Label schema")."""
    corpus = Corpus(slug=slug, title=title or slug, description=description, guidelines=guidelines)
    corpus.full_clean()
    corpus.save()
    schema_ensure_defaults(corpus=corpus)
    return corpus


@transaction.atomic
def schema_ensure_defaults(*, corpus: Corpus) -> int:
    """Give ``corpus`` every default label value it lacks; return how many were added."""
    existing = set(LabelValue.objects.filter(corpus=corpus).values_list("kind", "name"))
    new = [
        LabelValue(
            corpus=corpus,
            kind=kind,
            name=name,
            description=description,
            key=key,
            colour=colour,
            order=order,
        )
        for order, (kind, name, description, key, colour) in enumerate(DEFAULT_SCHEMA)
        if (kind, name) not in existing
    ]
    LabelValue.objects.bulk_create(new)
    return len(new)


def corpus_get_or_create(*, slug: str, title: str = "") -> tuple[Corpus, bool]:
    """The corpus with ``slug``, created with the default schema if missing."""
    corpus = Corpus.objects.filter(slug=slug).first()
    if corpus is not None:
        return corpus, False
    return corpus_create(slug=slug, title=title), True
