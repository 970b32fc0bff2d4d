"""Label values an import brings that its corpus's schema lacks: added to it, or refused.

A labelled corpus names its own claim types, stances, stance targets and reply
labels (a brat file's ``MajorClaim`` and ``Premise``). An import adds each
value the schema lacks, inside the import's transaction (so a failed import
adds none), and the summary lists them; with ``--strict-schema`` the first one
is an error naming the value and where it is used. Added values have no
keyboard key and the default colour: an admin gives them both in the schema.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from annotate.models import LabelKind, LabelValue
from threads.models import Corpus

_MAX_NAME = 50  # LabelValue.name's max_length
ADDED_DESCRIPTION = "Added by an import."


class Schema:
    """A corpus's label values by kind and name, read once for an import, grown as it needs."""

    def __init__(self, *, corpus: Corpus, strict: bool) -> None:
        self.corpus = corpus
        self.strict = strict
        self.ids: dict[str, dict[str, int]] = defaultdict(dict)
        self._next_order: dict[str, int] = defaultdict(int)
        self.added: list[tuple[str, str]] = []  # (kind, name) in the order the import met them
        rows = LabelValue.objects.filter(corpus=corpus).values_list("kind", "name", "pk", "order")
        for kind, name, pk, order in rows:
            self.ids[kind][name] = pk
            self._next_order[kind] = max(self._next_order[kind], order + 1)

    def value_id(self, kind: str, value: Any, what: str, error: Callable[[str], Exception]) -> int:
        """The id of the ``kind`` value named ``value``, added to the schema if it is new.

        ``what`` names where the file uses it (a claim, a reply label) for the error
        that refuses it: a name that is no text, too long, or new under ``strict``.
        """
        pk = self.ids[kind].get(value) if isinstance(value, str) else None
        if pk is not None:
            return pk
        label = LabelKind(kind).label
        if not isinstance(value, str) or not value.strip():
            raise error(f"{what}: the {label} must be a name, not {value!r}")
        if self.strict:
            known = ", ".join(sorted(self.ids[kind])) or "none"
            raise error(
                f"{what}: unknown {label} {value!r}: corpus {self.corpus.slug!r} has {known},"
                " and --strict-schema adds no values (add it to the schema first, or import"
                " without --strict-schema to add it)"
            )
        if len(value) > _MAX_NAME:
            raise error(
                f"{what}: the {label} {value!r} is longer than {_MAX_NAME} characters, the"
                " longest name a label schema keeps"
            )
        created = LabelValue.objects.create(
            corpus=self.corpus,
            kind=kind,
            name=value,
            description=ADDED_DESCRIPTION,
            order=self._next_order[kind],
        )
        self._next_order[kind] += 1
        self.ids[kind][value] = created.pk
        self.added.append((kind, value))
        return created.pk


def added_wording(added: list[tuple[str, str]]) -> str:
    """``claim type: MajorClaim, Premise; stance: agree`` for the import's summary."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, name in added:
        by_kind[kind].append(name)
    return "; ".join(
        f"{LabelKind(kind).label}: {', '.join(names)}" for kind, names in by_kind.items()
    )
