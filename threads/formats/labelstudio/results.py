"""One Label Studio annotation of one task: its results as claims, reply labels and choices.

The rules (the package docstring has them all): a ``labels`` result is a region
and becomes a claim per label; ``choices`` and ``textarea`` results that carry a
region's ``id`` (Label Studio's ``perRegion``) set that claim's stance, stance
target, attributes or note; ``relation`` results link two regions; task-level
``choices`` become a comment's reply label (``from_name`` ``reply_label``) or
go to the text's ``meta``. Everything else is counted as left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from threads.formats.jsonl.values import kind_of as _kind
from threads.formats.labelstudio.offsets import TextOffsets
from threads.formats.records import FormatError, parse_datetime

# What a claim gets when its region says nothing else: "neutral" is in the default schema.
DEFAULT_STANCE = "neutral"
# The default schema's first relation type, for a relation drawn without a label.
DEFAULT_RELATION_TYPE = "support"
# Per-region choices with these names set the stance and the stance target; a region's
# only other choices set its stance too; any further ones are claim attributes.
STANCE_NAME = "stance"
TARGET_NAME = "stance_target"
# Task-level choices with this name on a comment's task are the comment's reply label.
REPLY_LABEL_NAME = "reply_label"
# Relation directions: Label Studio draws "right" from from_id to to_id.
_DIRECTIONS = {"right": ((0, 1),), "left": ((1, 0),), "bi": ((0, 1), (1, 0))}

Fail = Callable[[str], FormatError]


@dataclass
class TaskText:
    """The text one task labels: the article body (``comment_id`` None) or one comment."""

    comment_id: str | None
    offsets: TextOffsets
    # A claim's id is "<prefix><region id>": the task and annotation make it unique in the
    # thread, where Label Studio's region ids are unique only within one annotation.
    claim_prefix: str


@dataclass
class AnnotationLabels:
    claims: list[dict[str, Any]] = field(default_factory=list)
    reply_labels: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)  # task-level, for meta


@dataclass
class _Region:
    id: str
    start: int
    end: int
    labels: list[str]
    choices: dict[str, list[str]] = field(default_factory=dict)
    note: str = ""
    relations: list[tuple[str, str]] = field(default_factory=list)  # (type, region id)


def annotation_labels(
    raw: dict[str, Any],
    *,
    task: TaskText,
    annotator: str,
    gold: bool,
    counts: Counter[str],
    fail: Fail,
) -> AnnotationLabels:
    """The labels of one annotation (``raw``) of ``task``, by ``annotator`` (or gold)."""
    results = raw.get("result", [])
    if type(results) is not list:
        raise fail(f'"result" must be a list, not {_kind(results)}')
    regions: dict[str, _Region] = {}
    later: list[tuple[int, str, dict[str, Any]]] = []
    for index, result in enumerate(results, start=1):
        if type(result) is not dict:
            raise fail(f"result {index} must be an object, not {_kind(result)}")
        kind = result.get("type")
        if kind == "labels":
            _region_add(regions, result, index, task, counts, fail)
        elif kind in ("choices", "textarea", "relation"):
            later.append((index, kind, result))
        else:
            counts[f"Label Studio results of type {kind!r} left out"] += 1

    out = AnnotationLabels()
    for index, kind, result in later:
        if kind == "relation":
            _relation_add(regions, result, index, fail)
            continue
        value = _value(result, index, fail)
        where = _region_of(result, regions)
        from_name = result.get("from_name")
        name = from_name if type(from_name) is str and from_name else kind
        if kind == "textarea":
            texts = value.get("text")
            if where is None:
                counts["Label Studio task-level textarea results left out"] += 1
            elif type(texts) is str:
                where.note = texts
            elif type(texts) is list and all(type(t) is str for t in texts):
                where.note = "\n".join(texts)
            else:
                raise fail(f'region {where.id!r}: textarea "text" must be a list of strings')
            continue
        choices = value.get("choices")
        if type(choices) is not list or not all(type(c) is str and c for c in choices):
            raise fail(f'result {index}: choices "{name}" must be a list of names')
        if where is not None:
            if name in where.choices:
                raise fail(f'region {where.id!r}: choices "{name}" given twice')
            where.choices[name] = choices
        elif "start" in value or "end" in value:
            raise fail(
                f'result {index}: choices "{name}" belong to region {result.get("id")!r},'
                " which has no labels result in this annotation"
            )
        elif name == REPLY_LABEL_NAME and task.comment_id is not None:
            if len(choices) != 1 or out.reply_labels:
                raise fail(f'choices "{name}": a comment has one reply label, not {choices!r}')
            label = {"annotator": annotator, "comment_id": task.comment_id, "label": choices[0]}
            out.reply_labels.append({**label, "toward": "parent", **_provenance(annotator, gold)})
        else:
            out.choices.append({"annotator": annotator, "from_name": name, "choices": choices})

    stamps = {key: _stamp(raw.get(key), key, fail) for key in ("created_at", "updated_at")}
    for region in regions.values():
        out.claims.extend(_claims(region, task, annotator, gold, stamps, fail))
    return out


def _region_add(
    regions: dict[str, _Region],
    result: dict[str, Any],
    index: int,
    task: TaskText,
    counts: Counter[str],
    fail: Fail,
) -> None:
    region_id = result.get("id")
    if type(region_id) not in (str, int) or region_id == "":
        raise fail(f'result {index}: a labels result needs an "id"')
    region_id = str(region_id)
    value = _value(result, index, fail)
    start, end, quote = value.get("start"), value.get("end"), value.get("text")
    if type(start) is not int or type(end) is not int:
        raise fail(f'region {region_id!r}: "start" and "end" must be integers')
    labels = value.get("labels")
    if type(labels) is not list or not labels or not all(type(x) is str and x for x in labels):
        raise fail(f'region {region_id!r}: "labels" must be a list of one or more names')
    if quote is not None and type(quote) is not str:
        raise fail(f'region {region_id!r}: "text" must be a string')
    span = task.offsets.span(start, end, quote)
    if span is None:
        raise fail(f"region {region_id!r}: {_mismatch(task.offsets.text, start, end, quote)}")
    first, last, converted = span
    seen = regions.get(region_id)
    if seen is not None:
        # Two <Labels> tags on one text label the same region in two results with one id.
        if (seen.start, seen.end) != (first, last):
            raise fail(f"region id {region_id!r} is used for two different spans")
        seen.labels.extend(label for label in labels if label not in seen.labels)
        return
    if converted:
        counts["regions converted from UTF-16"] += 1
    regions[region_id] = _Region(region_id, first, last, list(dict.fromkeys(labels)))


def _relation_add(
    regions: dict[str, _Region], result: dict[str, Any], index: int, fail: Fail
) -> None:
    ends = (result.get("from_id"), result.get("to_id"))
    for end in ends:
        if type(end) not in (str, int) or str(end) not in regions:
            raise fail(f"relation (result {index}): {end!r} names no labelled region here")
    ids = (str(ends[0]), str(ends[1]))
    if ids[0] == ids[1]:
        raise fail(f"relation (result {index}): region {ids[0]!r} relates to itself")
    direction = result.get("direction", "right")
    if direction not in _DIRECTIONS:
        raise fail(f"relation (result {index}): direction {direction!r} is none of right, left, bi")
    labels = result.get("labels") or [DEFAULT_RELATION_TYPE]
    if type(labels) is not list or not all(type(x) is str and x for x in labels):
        raise fail(f'relation (result {index}): "labels" must be a list of names')
    for source, target in _DIRECTIONS[direction]:
        relations = regions[ids[source]].relations
        for label in labels:
            if (label, ids[target]) not in relations:
                relations.append((label, ids[target]))


def _claims(
    region: _Region,
    task: TaskText,
    annotator: str,
    gold: bool,
    stamps: dict[str, str | None],
    fail: Fail,
) -> list[dict[str, Any]]:
    """One claim per label of ``region``; the first one carries the region's relations."""
    choices = dict(region.choices)
    target = _single(choices.pop(TARGET_NAME, None), "stance target", region, fail)
    stance = _single(choices.pop(STANCE_NAME, None), "stance", region, fail)
    if stance is None and len(choices) == 1:
        stance = _single(choices.popitem()[1], "stance", region, fail)
    if target is None:
        target = "thesis" if task.comment_id is None else "parent"
    text = task.offsets.text
    base = task.claim_prefix + region.id
    claims = []
    for number, label in enumerate(region.labels, start=1):
        claims.append(
            {
                "id": base if number == 1 else f"{base}/{number}",
                "annotator": annotator,
                "comment_id": task.comment_id,
                "start": region.start,
                "end": region.end,
                "text": text[region.start : region.end],
                "claim_type": label,
                "stance": stance or DEFAULT_STANCE,
                "stance_target": target,
                "note": region.note,
                **stamps,
                "relations": [],
                "attributes": {name: ", ".join(values) for name, values in choices.items()},
                **_provenance(annotator, gold),
            }
        )
    claims[0]["relations"] = [
        {"type": kind, "claim": task.claim_prefix + other} for kind, other in region.relations
    ]
    return claims


def _single(values: list[str] | None, what: str, region: _Region, fail: Fail) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        raise fail(
            f"region {region.id!r}: {len(values)} {what} choices {values!r}; a claim has one"
        )
    return values[0]


def _region_of(result: dict[str, Any], regions: dict[str, _Region]) -> _Region | None:
    region_id = result.get("id")
    if type(region_id) in (str, int):
        return regions.get(str(region_id))
    return None


def _value(result: dict[str, Any], index: int, fail: Fail) -> dict[str, Any]:
    value = result.get("value")
    if type(value) is not dict:
        raise fail(f'result {index}: "value" must be an object, not {_kind(value)}')
    return value


def _mismatch(text: str, start: int, end: int, quote: str | None) -> str:
    """Why a region's offsets fit neither reading: what each reading finds there."""
    if quote is None:
        return (
            f"[{start}, {end}) is outside the task's text of {len(text)} characters"
            " (and the region has no text to read its offsets by)"
        )
    as_points = text[start:end] if 0 <= start < end <= len(text) else None
    units = text.encode("utf-16-le")
    as_units = (
        units[2 * start : 2 * end].decode("utf-16-le", errors="replace")
        if 0 <= start < end <= len(units) // 2
        else None
    )
    return (
        f"its text {quote!r} is not at [{start}, {end}) of the task's text, read as code"
        f" points ({'past the end' if as_points is None else repr(as_points)}) or as UTF-16"
        f" code units ({'past the end' if as_units is None else repr(as_units)})"
    )


def _stamp(value: Any, key: str, fail: Fail) -> str | None:
    if value is None or value == "":
        return None
    try:
        parse_datetime(value)
    except ValueError:
        raise fail(f'"{key}" {value!r} is not an ISO 8601 time') from None
    return str(value)


def _provenance(annotator: str, gold: bool) -> dict[str, Any]:
    """Gold labels say who settled them; imported ones were drawn, not accepted from anyone."""
    return {"settled_by": annotator, "source": None} if gold else {}
