"""Import, second stage, for what a claim brings besides its span and labels: its attributes and
its relations, checked against the corpus schema and the claim rules (``annotate.rules``), every
problem a :class:`FormatError` naming the file, line, thread and claim (:mod:`.checking` calls
these for each claim, then once the thread's claims are all read)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from annotate import rules
from annotate.exchange.rows import CheckedClaim, CheckedRelation
from threads.formats.records import FormatError


def attributes_checked(
    item: Mapping[str, Any], what: str, error: Callable[..., FormatError]
) -> dict[str, str]:
    """The claim's attributes: a flat object of names to strings (empty when it has none)."""
    attributes = item.get("attributes") or {}
    try:
        rules.attributes_check(attributes=attributes)
    except rules.ClaimRuleError:
        raise error(f"{what}: attributes must be an object of names to strings") from None
    return dict(attributes)


def relations_read(
    item: Mapping[str, Any],
    *,
    type_ids: Mapping[str, int],
    annotator: str,
    is_gold: bool,
    what: str,
    corpus: str,
    error: Callable[..., FormatError],
    type_added: Callable[[str], int] | None = None,
) -> list[CheckedRelation]:
    """The claim's relations with their types as ids of the schema (an unknown type is an error
    naming the ones there are). A gold relation is settled by its ``settled_by`` (the claim's,
    when missing) and comes from its ``source``."""
    found: list[CheckedRelation] = []
    seen: set[tuple[int, Any]] = set()
    for relation in item.get("relations") or ():
        if not isinstance(relation, Mapping):
            raise error(f"{what}: a relation must be an object, not {relation!r}")
        name, other = relation.get("type"), relation.get("claim")
        type_id = type_ids.get(name) if isinstance(name, str) else None
        if type_id is None and type_added is not None and isinstance(name, str):
            # A type the schema lacks: added to it (listed in the summary) or, with
            # --strict-schema, refused there, as for the other kinds (schema_additions).
            type_id = type_added(name)
        if type_id is None:
            known = ", ".join(sorted(type_ids)) or "none"
            raise error(
                f"{what}: relation to claim {other!r} has unknown relation type {name!r} "
                f"(corpus {corpus!r} has: {known})"
            )
        if (type_id, other) in seen:
            raise error(f"{what}: relation {name!r} to claim {other!r} twice")
        seen.add((type_id, other))
        settled_by, source = annotator, None
        if is_gold:
            settled_by = relation.get("settled_by") or annotator
            source = relation.get("source") or None
            if not isinstance(settled_by, str) or not (source is None or isinstance(source, str)):
                raise error(f"{what}: a relation's settled_by and source must be usernames")
        found.append(CheckedRelation(type_id, other, settled_by, source))
    return found


def relations_resolved(
    claims: dict[Any, CheckedClaim],
    *,
    dropped: set[Any],
    thread: str,
    parent_of: Callable[[str], str | None],
    name: Callable[[Any], str],
    error: Callable[..., FormatError],
) -> None:
    """Check every relation of a thread's claims (one section) against the relation rule: the
    other claim is in the section, the same annotator's (gold: gold), in the same text or up the
    reply chain. A relation to a claim left out with a skipped orphan is left out too."""
    for claim in claims.values():
        kept = []
        for relation in claim.relations:
            if relation.other in dropped:
                continue
            other = claims.get(relation.other)
            what = f"{name(claim.local_id)}: relation to claim {relation.other!r}"
            if other is None:
                raise error(f"{what}: no such claim in the same section of this thread")
            try:
                rules.relation_check(
                    claim=rules.ClaimPlace(claim.annotator, claim.is_gold, thread, claim.comment),
                    other=rules.ClaimPlace(other.annotator, other.is_gold, thread, other.comment),
                    parent_of=parent_of,
                    itself=other is claim,
                )
            except rules.ClaimRuleError as broken:
                raise error(f"{what}: {_wording(broken, claim, other)}") from None
            kept.append(relation)
        claim.relations = kept


def _wording(broken: rules.ClaimRuleError, claim: CheckedClaim, other: CheckedClaim) -> str:
    """A broken relation rule in the import's words: they name the claims of the file."""
    if broken.rule is rules.ClaimRule.RELATION_TO_ITSELF:
        return "a claim cannot relate to itself"
    if broken.rule is rules.ClaimRule.RELATION_NOT_OWN:
        return f"that claim is by {other.annotator!r}, not by {claim.annotator!r}"
    return "that claim is not in the same text or in a text this one replies to"
