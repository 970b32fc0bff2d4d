"""Relations as the pages show them: "supports #12" under a claim, read in one query for every
claim a page shows, as plain rows named from the schema already in hand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from annotate.models import Relation
from annotate.selectors.schema import Schema


def relation_phrase(name: str) -> str:
    """How a relation reads from its claim: "supports", "attacks" (types are named as verbs)."""
    return name if name.endswith("s") else f"{name}s"


@dataclass(slots=True)
class RelationItem:
    """One relation as a page shows it."""

    pk: int
    from_claim_id: int
    to_claim_id: int
    type_id: int
    type: str  # the type's name: "support"

    @property
    def phrase(self) -> str:
        return relation_phrase(self.type)


RelationsByClaim = dict[int, list[RelationItem]]

_COLUMNS = ("id", "from_claim_id", "to_claim_id", "type_id")


def _items(relations: QuerySet[Relation], schema: Schema) -> list[RelationItem]:
    names = schema.by_id
    return [
        RelationItem(pk, from_id, to_id, type_id, names[type_id].name)
        for pk, from_id, to_id, type_id in relations.order_by("id").values_list(*_COLUMNS)
    ]


def by_from_claim(items: Iterable[RelationItem]) -> RelationsByClaim:
    grouped: RelationsByClaim = defaultdict(list)
    for item in items:
        grouped[item.from_claim_id].append(item)
    return dict(grouped)


def own_relations_from(
    *, annotator: AbstractBaseUser, article_id: int, claim_ids: Iterable[int], schema: Schema
) -> RelationsByClaim:
    """``annotator``'s own relations from the claims ``claim_ids`` (of ``article_id``), by claim:
    one query (none without claims)."""
    ids = list(claim_ids)
    if not ids:
        return {}
    relations = Relation.objects.filter(
        article_id=article_id, annotator_id=annotator.pk, is_gold=False, from_claim_id__in=ids
    )
    return by_from_claim(_items(relations, schema))


def thread_relations(*, article_id: int, schema: Schema) -> RelationsByClaim:
    """Every relation of a thread, annotators' and gold, by the claim it starts from: one query
    (the review page)."""
    return by_from_claim(_items(Relation.objects.filter(article_id=article_id), schema))


def relations_from(*, claim_ids: Iterable[int], schema: Schema) -> RelationsByClaim:
    """The relations from the claims ``claim_ids``, by claim: one query (none without claims)."""
    ids = list(claim_ids)
    if not ids:
        return {}
    return by_from_claim(_items(Relation.objects.filter(from_claim_id__in=ids), schema))


def claim_relations(*, claim_id: int, schema: Schema) -> list[RelationItem]:
    """A claim's relations both ways, from it first ("supports #12") then to it ("#14 supports
    this"), for its form: one query."""
    items = _items(
        Relation.objects.filter(Q(from_claim_id=claim_id) | Q(to_claim_id=claim_id)), schema
    )
    return sorted(items, key=lambda r: (r.from_claim_id != claim_id, r.pk))
