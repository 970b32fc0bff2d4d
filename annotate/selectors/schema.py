"""A corpus's label schema, read once per request and handed to everything that shows labels,
and the directions its reply labels take."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotate.models import (
    DEFAULT_DIRECTIONS,
    LabelKind,
    LabelValue,
    ReplyLabelScope,
)
from threads.models import Corpus


@dataclass
class Schema:
    """A corpus's label values, by id and by kind (current values only in the kind lists)."""

    values: list[LabelValue]
    by_id: dict[int, LabelValue] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {v.pk: v for v in self.values}

    def current(self, kind: str) -> list[LabelValue]:
        return [v for v in self.values if v.kind == kind and not v.retired]

    @property
    def claim_types(self) -> list[LabelValue]:
        return self.current(LabelKind.CLAIM_TYPE)

    @property
    def stances(self) -> list[LabelValue]:
        return [v for v in self.values if v.kind == LabelKind.STANCE]

    @property
    def targets(self) -> list[LabelValue]:
        return self.current(LabelKind.STANCE_TARGET)

    @property
    def reply_labels(self) -> list[LabelValue]:
        return self.current(LabelKind.REPLY_LABEL)

    @property
    def relation_types(self) -> list[LabelValue]:
        return self.current(LabelKind.RELATION)


def schema_get(*, corpus_id: int) -> Schema:
    """Every label value of the corpus, retired ones included (old labels still show): one query."""
    return Schema(
        list(LabelValue.objects.filter(corpus_id=corpus_id).order_by("kind", "order", "id"))
    )


def label_value_get(*, pk: int) -> LabelValue | None:
    """A label value by id; whether it fits the corpus and kind is the services' check."""
    return LabelValue.objects.filter(pk=pk).first()


def reply_directions_get(*, corpus: Corpus) -> tuple[str, ...]:
    """The directions ``corpus`` labels replies in (``"parent"``, ``"root"``), parent first. No
    query when the corpus was read with ``select_related("reply_scope")``, as the thread and
    review pages read it; without a row, toward the parent only."""
    try:
        return corpus.reply_scope.directions
    except ReplyLabelScope.DoesNotExist:
        return DEFAULT_DIRECTIONS
