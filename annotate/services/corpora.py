"""Corpora and their label schemas: creating a corpus with the default schema, the rule that a
label value in use is never deleted, only retired, and the directions reply labels take."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from annotate.models import (
    DEFAULT_DIRECTIONS,
    DEFAULT_SCHEMA,
    Claim,
    LabelKind,
    LabelValue,
    Relation,
    ReplyLabel,
    ReplyLabelScope,
    Toward,
)
from annotate.selectors.schema import reply_directions_get
from annotate.services.agreement import agreement_forget_corpus
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


def _directions_named(directions: Iterable[str]) -> str:
    return " and ".join(Toward(d).label for d in sorted(directions))


def toward_known_check(toward: str) -> None:
    """A reply label is toward "parent" or "root"."""
    if toward not in Toward.values:
        raise ValidationError(
            {"toward": f"No direction {toward!r}: a reply label is toward “parent” or “root”."}
        )


def reply_direction_check(*, corpus: Corpus, toward: str) -> None:
    """A reply label's direction must be one the corpus's schema labels (``corpus`` read with
    its ``reply_scope``, as the pages read it, costs no query)."""
    toward_known_check(toward)
    labelled = reply_directions_get(corpus=corpus)
    if toward not in labelled:
        raise ValidationError(
            {
                "toward": f"This corpus does not label replies {Toward(toward).label}, only "
                f"{_directions_named(labelled)}: an admin can turn it on in the corpus's schema."
            }
        )


def _directions_stored(corpus: Corpus) -> set[str]:
    """The directions the database holds for ``corpus`` (not a cached row a form may have
    changed in memory before it is saved)."""
    scope = ReplyLabelScope.objects.filter(corpus=corpus).first()
    return set(DEFAULT_DIRECTIONS if scope is None else scope.directions)


def reply_directions_check(*, corpus: Corpus, directions: Iterable[str]) -> set[str]:
    """``directions`` as :func:`reply_directions_set` would take them, or the ValidationError it
    would raise (the admin's form asks before it saves)."""
    wanted = set(directions)
    unknown = sorted(wanted - set(Toward.values))
    if unknown:
        raise ValidationError(
            f"No direction {unknown[0]!r}: reply labels are toward “parent” or “root”."
        )
    if not wanted:
        raise ValidationError(
            "Reply labels need a direction: toward the parent, toward the article, or both."
        )
    dropped = _directions_stored(corpus) - wanted
    if dropped:
        in_use = dict(
            ReplyLabel.objects.filter(article__corpus=corpus, toward__in=dropped)
            .order_by()
            .values_list("toward")
            .annotate(n=Count("pk"))
            .values_list("toward", "n")
        )
        if in_use:
            toward, n = sorted(in_use.items())[0]
            raise ValidationError(
                f"{n} reply label{'s are' if n != 1 else ' is'} given {Toward(toward).label} in "
                "this corpus: that direction cannot be turned off while they exist."
            )
    return wanted


@transaction.atomic
def reply_directions_set(*, corpus: Corpus, directions: Iterable[str]) -> tuple[str, ...]:
    """Label ``corpus``'s replies in ``directions`` (``"parent"``, ``"root"``, or both); return
    them, parent first. Refused: none, an unknown one, or turning off a direction that reply
    labels are given in (nothing an annotator did is hidden). A change of directions changes
    the agreement figures (``reply_labels`` is the parent direction only where there is one),
    so the corpus's kept figures are forgotten."""
    before = _directions_stored(corpus)
    wanted = reply_directions_check(corpus=corpus, directions=directions)
    scope, _ = ReplyLabelScope.objects.update_or_create(
        corpus=corpus,
        defaults={"toward_parent": Toward.PARENT in wanted, "toward_root": Toward.ROOT in wanted},
    )
    corpus.reply_scope = scope
    if wanted != before:
        agreement_forget_corpus(corpus=corpus)
    return scope.directions


def reply_directions_enable(*, corpus: Corpus, directions: Iterable[str]) -> list[str]:
    """Turn on those of ``directions`` the corpus does not label yet (an import whose file
    labels them); return them, parent first."""
    before = _directions_stored(corpus)
    added = sorted(set(directions) - before)
    if added:
        reply_directions_set(corpus=corpus, directions=[*before, *added])
    return added
