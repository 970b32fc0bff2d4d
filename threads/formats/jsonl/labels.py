"""A thread's annotations and gold, checked into the plain dicts of the export."""

from __future__ import annotations

from typing import Any

from threads.formats.jsonl.keys import (
    _REQUIRED_CLAIM_KEYS,
    GOLD_RELATION_KEYS,
    PROVENANCE_KEYS,
    RELATION_KEYS,
    REPLY_LABEL_KEYS,
    SUPPORTED_TOWARD,
)
from threads.formats.jsonl.values import as_id, kind_of
from threads.formats.records import (
    parse_datetime,
)


def check_labels(
    value: Any, section: str, body: str, texts: dict[str, str], fail: Any
) -> dict[str, list[dict[str, Any]]]:
    """Checked annotations or gold of one thread, as plain dicts (see the module docstring).

    ``texts`` maps comment ids to their text; ``fail(message)`` builds the FormatError.
    """
    if type(value) is not dict:
        raise fail(f'"{section}" must be an object with "claims" and "reply_labels"')
    raw_claims = value.get("claims", [])
    raw_labels = value.get("reply_labels", [])
    if type(raw_claims) is not list:
        raise fail(f'"{section}.claims" must be a list, not {kind_of(raw_claims)}')
    if type(raw_labels) is not list:
        raise fail(f'"{section}.reply_labels" must be a list, not {kind_of(raw_labels)}')

    gold = section == "gold"
    claims: list[dict[str, Any]] = []
    annotator_of: dict[Any, str] = {}
    for index, raw in enumerate(raw_claims):
        where = f"{section} claim {index + 1}"
        if type(raw) is not dict:
            raise fail(f"{where} must be an object, not {kind_of(raw)}")
        for key in _REQUIRED_CLAIM_KEYS:
            if key not in raw:
                raise fail(f'{where} is missing required field "{key}"')
        claim_id = raw["id"]
        if type(claim_id) not in (int, str):
            raise fail(f'{where}: "id" must be an integer or a string')
        where = f"{section} claim {claim_id!r}"
        if claim_id in annotator_of:
            raise fail(f"duplicate claim id {claim_id!r} in {section}")
        annotator = raw["annotator"]
        if type(annotator) is not str or not annotator:
            raise fail(f'{where}: "annotator" must be a non-empty string (a username)')
        comment_id = raw["comment_id"]
        if comment_id is None:
            text = body
        else:
            comment_id = as_id(comment_id)
            if comment_id is None or comment_id not in texts:
                raise fail(f'{where}: "comment_id" {raw["comment_id"]!r} names no comment here')
            text = texts[comment_id]
        start, end = raw["start"], raw["end"]
        if type(start) is not int or type(end) is not int:
            raise fail(f'{where}: "start" and "end" must be integers')
        if not 0 <= start < end <= len(text):
            raise fail(
                f"{where}: span [{start}, {end}) must satisfy 0 <= start < end <= {len(text)}"
                " (the text's length in code points)"
            )
        quote = raw["text"]
        if quote != text[start:end]:
            raise fail(
                f'{where}: "text" {quote!r} is not the text at [{start}, {end}):'
                f" {text[start:end]!r}"
            )
        for key in ("claim_type", "stance"):
            if type(raw[key]) is not str or not raw[key]:
                raise fail(f'{where}: "{key}" must be a non-empty string')
        target = raw["stance_target"]
        if type(target) is dict:
            if set(target) != {"claim"} or type(target["claim"]) not in (int, str):
                raise fail(f'{where}: "stance_target" must be a name or {{"claim": <id>}}')
        elif type(target) is not str or not target:
            raise fail(f'{where}: "stance_target" must be a name or {{"claim": <id>}}')
        note = raw.get("note")
        if note is None:
            note = ""
        elif type(note) is not str:
            raise fail(f'{where}: "note" must be a string')
        for key in ("created_at", "updated_at"):
            stamp = raw.get(key)
            if stamp is not None:
                try:
                    parse_datetime(stamp)
                except ValueError:
                    raise fail(f'{where}: "{key}" {stamp!r} is not an ISO 8601 time') from None
        relations = _relations(raw.get("relations"), where, gold, fail)
        attributes = _attributes(raw.get("attributes"), where, fail)
        annotator_of[claim_id] = annotator
        provenance = _provenance(raw, annotator, where, gold, fail)
        claims.append(
            {
                "id": claim_id,
                "annotator": annotator,
                "comment_id": comment_id,
                "start": start,
                "end": end,
                "text": quote,
                "claim_type": raw["claim_type"],
                "stance": raw["stance"],
                "stance_target": target,
                "note": note,
                "created_at": raw.get("created_at"),
                "updated_at": raw.get("updated_at"),
                "relations": relations,
                "attributes": attributes,
                **provenance,
            }
        )

    for claim in claims:
        target = claim["stance_target"]
        if type(target) is dict:
            where = f"{section} claim {claim['id']!r}"
            target_id = target["claim"]
            if target_id == claim["id"]:
                raise fail(f"{where} targets itself")
            if target_id not in annotator_of:
                raise fail(f"{where} targets claim {target_id!r}, which is not in {section}")
            if not gold and annotator_of[target_id] != claim["annotator"]:
                raise fail(
                    f"{where} by {claim['annotator']!r} targets claim {target_id!r}"
                    f" by {annotator_of[target_id]!r}: a claim can only target its"
                    " annotator's own claims"
                )
    _check_target_cycles(claims, section, fail)
    for claim in claims:
        where = f"{section} claim {claim['id']!r}"
        for relation in claim["relations"]:
            other = relation["claim"]
            if other == claim["id"]:
                raise fail(f"{where}: a relation to itself ({relation['type']!r})")
            if other not in annotator_of:
                raise fail(f"{where}: relation to claim {other!r}, which is not in {section}")
            if not gold and annotator_of[other] != claim["annotator"]:
                raise fail(
                    f"{where} by {claim['annotator']!r} relates to claim {other!r} by"
                    f" {annotator_of[other]!r}: a claim relates only to its annotator's own"
                    " claims"
                )

    labels: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for index, raw in enumerate(raw_labels):
        where = f"{section} reply label {index + 1}"
        if type(raw) is not dict:
            raise fail(f"{where} must be an object, not {kind_of(raw)}")
        for key in REPLY_LABEL_KEYS[:3]:
            if key not in raw:
                raise fail(f'{where} is missing required field "{key}"')
        toward = raw.get("toward", "parent")
        if type(toward) is not str or toward not in SUPPORTED_TOWARD:
            raise fail(
                f'{where}: "toward" {toward!r} is neither "parent" (the comment\'s parent) nor'
                ' "root" (the thread\'s article)'
            )
        annotator, label = raw["annotator"], raw["label"]
        comment_id = as_id(raw["comment_id"])
        if type(annotator) is not str or not annotator:
            raise fail(f'{where}: "annotator" must be a non-empty string (a username)')
        if comment_id is None or comment_id not in texts:
            raise fail(f'{where}: "comment_id" {raw["comment_id"]!r} names no comment here')
        if type(label) is not str or not label:
            raise fail(f'{where}: "label" must be a non-empty string')
        if (annotator, comment_id, toward) in seen:
            raise fail(
                f"{where}: {annotator!r} labels comment {comment_id!r} toward {toward} twice"
            )
        seen.add((annotator, comment_id, toward))
        labels.append(
            {
                "annotator": annotator,
                "comment_id": comment_id,
                "label": label,
                "toward": toward,
                **_provenance(raw, annotator, where, gold, fail),
            }
        )
    return {"claims": claims, "reply_labels": labels}


def _relations(value: Any, where: str, gold: bool, fail: Any) -> list[dict[str, Any]]:
    """A claim's relations: a list of ``{"type", "claim"}`` (gold ones may add ``settled_by``,
    the annotator of its claim when missing or null, and ``source``), each once."""
    if value is None:
        return []
    if type(value) is not list:
        raise fail(f'{where}: "relations" must be a list, not {kind_of(value)}')
    allowed = GOLD_RELATION_KEYS if gold else RELATION_KEYS
    relations: list[dict[str, Any]] = []
    seen: set[tuple[str, Any]] = set()
    for index, raw in enumerate(value):
        what = f"{where}: relation {index + 1}"
        if type(raw) is not dict:
            raise fail(f"{what} must be an object, not {kind_of(raw)}")
        unknown = sorted(set(raw) - set(allowed))
        if unknown:
            raise fail(f"{what} has unknown field {unknown[0]!r} (it has {', '.join(allowed)})")
        kind, other = raw.get("type"), raw.get("claim")
        if type(kind) is not str or not kind:
            raise fail(f'{what}: "type" must be a non-empty string (a relation type)')
        if type(other) not in (int, str):
            raise fail(f'{what}: "claim" must be the id of a claim of this line')
        if (kind, other) in seen:
            raise fail(f"{what}: {kind!r} to claim {other!r} twice")
        seen.add((kind, other))
        relation = {"type": kind, "claim": other}
        if gold:
            for key in PROVENANCE_KEYS:
                name = raw.get(key)
                if name is not None and (type(name) is not str or not name):
                    raise fail(f'{what}: "{key}" must be a username or null')
                relation[key] = name
        relations.append(relation)
    return relations


def _attributes(value: Any, where: str, fail: Any) -> dict[str, str]:
    """A claim's attributes: a flat object of names to strings (brat attributes)."""
    if value is None:
        return {}
    if type(value) is not dict:
        raise fail(f'{where}: "attributes" must be an object of names to strings')
    for name, text in value.items():
        if not name or type(text) is not str:
            raise fail(
                f"{where}: attribute {name!r} must have a name and a string value, not"
                f" {kind_of(text)}"
            )
    return value


def _provenance(
    raw: dict[str, Any], annotator: str, where: str, gold: bool, fail: Any
) -> dict[str, Any]:
    """A gold label's ``settled_by`` (the annotator when missing) and ``source`` (null when the
    reviewer drew it); nothing for an annotator's own label."""
    if not gold:
        return {}
    settled_by, source = raw.get("settled_by"), raw.get("source")
    if settled_by is None:
        settled_by = annotator
    for key, value in (("settled_by", settled_by), ("source", source)):
        if value is not None and (type(value) is not str or not value):
            raise fail(f'{where}: "{key}" must be a username or null')
    return {"settled_by": settled_by, "source": source}


def _check_target_cycles(claims: list[dict[str, Any]], section: str, fail: Any) -> None:
    target_of = {
        c["id"]: c["stance_target"]["claim"] for c in claims if type(c["stance_target"]) is dict
    }
    done: set[Any] = set()
    for start in target_of:
        path: list[Any] = []
        on_path: set[Any] = set()
        current = start
        while current in target_of and current not in done:
            if current in on_path:
                cycle = path[path.index(current) :] + [current]
                raise fail(
                    f"{section} claims target each other in a cycle: "
                    + " -> ".join(repr(i) for i in cycle)
                )
            on_path.add(current)
            path.append(current)
            current = target_of[current]
        done.update(path)
