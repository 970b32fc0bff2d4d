"""Corpora and their label schemas: creating a corpus with the default schema, and the rule that a
label value in use is never deleted, only retired."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from annotate.models import (
    DEFAULT_SCHEMA,
    Claim,
    LabelKind,
    LabelValue,
    Relation,
    ReplyLabel,
)
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


def label_value_check(*, value: LabelValue | None, corpus_id: int, kind: str, field: str) -> None:
    """A label value must be of ``kind``, from the article's corpus, and not retired."""
    if value is None:
        raise ValidationError({field: f"Choose a {LabelKind(kind).label}."})
    if value.kind != kind or value.corpus_id != corpus_id:
        raise ValidationError(
            {field: f"“{value.name}” is not a {LabelKind(kind).label} of this corpus's schema."}
        )
    if value.retired:
        raise ValidationError(
            {field: f"The {LabelKind(kind).label} “{value.name}” is retired; choose another."}
        )


def label_values_in_use(*, ids: Iterable[int]) -> set[int]:
    """Those of the label values ``ids`` that some claim, reply label or relation carries."""
    ids = list(ids)
    used: set[int] = set()
    for field in ("claim_type", "stance", "stance_target"):
        used.update(
            Claim.objects.filter(**{f"{field}_id__in": ids})
            .values_list(f"{field}_id", flat=True)
            .distinct()  # a value, not each of the claims that carry it
        )
    used.update(
        ReplyLabel.objects.filter(label_id__in=ids).values_list("label_id", flat=True).distinct()
    )
    used.update(
        Relation.objects.filter(type_id__in=ids).values_list("type_id", flat=True).distinct()
    )
    return used


@transaction.atomic
def label_value_delete(*, value: LabelValue) -> None:
    """Delete a label value no label carries; one in use can only be retired."""
    if label_values_in_use(ids=[value.pk]):
        raise ValidationError(
            f"“{value.name}” ({value.get_kind_display()}) is used by existing labels: "
            "it cannot be deleted, only retired."
        )
    value.delete()
