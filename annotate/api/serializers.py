"""JSON shapes of the read-only API. Every serializer lists its fields; none writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotate.exchange.exporter import EXPORT_FORMATS
from annotate.models import LabelValue, Toward
from threads.formats import FORMATS
from threads.models import Article, Comment, Corpus


class ErrorSerializer(serializers.Serializer[dict[str, Any]]):
    """Every error: a sentence for a person, plus the offending parameters for a 400."""

    detail = serializers.CharField()
    # Declared fields leave the class namespace (SerializerMetaclass): ``.errors`` still works.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class LabelValueSerializer(serializers.ModelSerializer[LabelValue]):
    class Meta:
        model = LabelValue
        fields = ["kind", "name", "description", "key", "colour", "retired"]


class CorpusSerializer(serializers.ModelSerializer[Corpus]):
    thread_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Corpus
        fields = ["slug", "title", "description", "thread_count", "created_at", "updated_at"]


class CorpusDetailSerializer(CorpusSerializer):
    label_schema = LabelValueSerializer(many=True, read_only=True)
    # Set on the corpus by the selector (annotate.selectors.api.api_corpus_get).
    reply_directions = serializers.ListField(
        child=serializers.ChoiceField(choices=Toward.choices),
        read_only=True,
        help_text="The directions the corpus labels replies in: parent (the text a comment "
        "answers), root (the thread's article), or both; parent first.",
    )

    import_formats = serializers.SerializerMethodField(
        help_text="The formats `manage.py import_threads --format` (and the admin's upload) "
        "read on this server."
    )
    export_formats = serializers.SerializerMethodField(
        help_text="The formats `export/?format=` writes on this server."
    )

    class Meta(CorpusSerializer.Meta):
        fields = [
            *CorpusSerializer.Meta.fields,
            "guidelines",
            "label_schema",
            "reply_directions",
            "import_formats",
            "export_formats",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=FORMATS)))
    def get_import_formats(self, corpus: Corpus) -> list[str]:
        return list(FORMATS)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=EXPORT_FORMATS))
    )
    def get_export_formats(self, corpus: Corpus) -> list[str]:
        return list(EXPORT_FORMATS)


class ProgressSerializer(serializers.Serializer[Article]):
    done = serializers.IntegerField(source="assignments_done", read_only=True)
    total = serializers.IntegerField(source="assignments_total", read_only=True)


# A URL field would be documented as format "uri", which "" (no source URL) is not.
SOURCE_URL = serializers.CharField(read_only=True, help_text="The source URL, or an empty string.")


class ThreadSerializer(serializers.ModelSerializer[Article]):
    """A thread in a corpus's list: the article with its counts (annotated by the selector)."""

    url = SOURCE_URL
    comment_count = serializers.IntegerField(read_only=True)
    claim_count = serializers.IntegerField(read_only=True)
    reply_label_count = serializers.IntegerField(read_only=True)
    progress = ProgressSerializer(source="*", read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "external_id",
            "title",
            "author",
            "url",
            "published_at",
            "comment_count",
            "claim_count",
            "reply_label_count",
            "progress",
        ]


class CommentSerializer(serializers.ModelSerializer[Comment]):
    # Set on each comment by the view from the thread's own comments: no query.
    parent_external_id = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "external_id",
            "parent_id",
            "parent_external_id",
            "depth",
            "position",
            "author",
            "text",
            "posted_at",
            "meta",
        ]


class ThreadDetailSerializer(serializers.ModelSerializer[Article]):
    """The article with its comments in display order (a parent before its replies)."""

    corpus = serializers.CharField(source="corpus.slug", read_only=True)
    url = SOURCE_URL
    comments = CommentSerializer(source="comment_list", many=True, read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "corpus",
            "external_id",
            "title",
            "body",
            "author",
            "url",
            "published_at",
            "meta",
            "comments",
        ]


STANCE_TARGET_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "description": "A schema target: thesis, parent, ..."},
        {
            "type": "object",
            "properties": {"claim": {"type": "integer", "description": "The target claim's id."}},
            "required": ["claim"],
        },
    ]
}


RELATIONS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "description": "A relation type: support, attack, ..."},
            "claim": {"type": "integer", "description": "The other claim's id."},
        },
        "required": ["type", "claim"],
    },
}
ATTRIBUTES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "string"},
    "description": "Free name: value pairs kept from an imported corpus (brat attributes).",
}


def _iso(value: dt.datetime) -> str:
    """A time as DRF writes it: ISO 8601 in UTC, ``Z`` for the offset."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class ClaimSerializer(serializers.Serializer[Mapping[str, Any]]):
    """A claim, from a row of :func:`annotate.selectors.api_claim_list`.

    Needs ``label_names`` ({label value id: name}) in its context, and the claim's relations
    in the row (``relations``: (type id, other claim id) pairs, set by the view for its page).

    The declared fields document the shape (for the schema); ``to_representation``
    builds it straight from the row, since this list is read in pages of 100 to
    1,000 and DRF's per-field machinery would be most of the time spent.
    """

    id = serializers.IntegerField(read_only=True)
    thread = serializers.IntegerField(read_only=True, help_text="The thread's (article's) id.")
    comment_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Null for a claim in the article body."
    )
    comment_external_id = serializers.CharField(read_only=True, allow_null=True)
    annotator = serializers.CharField(read_only=True, help_text="The annotator's username.")
    start = serializers.IntegerField(read_only=True, help_text="First code point (from 0).")
    end = serializers.IntegerField(read_only=True, help_text="Code point after the last.")
    text = serializers.CharField(read_only=True, help_text="The quote: text[start:end].")
    claim_type = serializers.CharField(read_only=True)
    stance = serializers.CharField(read_only=True)
    stance_target = serializers.SerializerMethodField()
    note = serializers.CharField(read_only=True)
    relations = serializers.SerializerMethodField(
        help_text="Its relations to other claims (same annotator, or gold to gold): "
        '[{"type": "support", "claim": 12}].'
    )
    attributes = serializers.SerializerMethodField()
    gold = serializers.BooleanField(read_only=True)
    settled_by = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Gold only: the reviewer who settled it (null for an annotator's own).",
    )
    source = serializers.CharField(  # type: ignore[assignment]  # a field, as ``label`` is
        read_only=True,
        allow_null=True,
        help_text="Gold only: the annotator it was accepted from (null: drawn by the reviewer, "
        "or not gold).",
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(STANCE_TARGET_SCHEMA)
    def get_stance_target(self, row: Mapping[str, Any]) -> str | dict[str, int]:
        return _stance_target(row, self.context["label_names"])

    @extend_schema_field(RELATIONS_SCHEMA)
    def get_relations(self, row: Mapping[str, Any]) -> list[dict[str, Any]]:
        return _relations(row, self.context["label_names"])

    @extend_schema_field(ATTRIBUTES_SCHEMA)
    def get_attributes(self, row: Mapping[str, Any]) -> dict[str, str]:
        return dict(row["attributes"])

    def to_representation(self, row: Mapping[str, Any]) -> dict[str, Any]:
        names = self.context["label_names"]
        return {
            "id": row["id"],
            "thread": row["article_id"],
            "comment_id": row["comment_id"],
            "comment_external_id": row["comment_external_id"],
            "annotator": row["annotator_username"],
            "start": row["start"],
            "end": row["end"],
            "text": row["quote"],
            "claim_type": names[row["claim_type_id"]],
            "stance": names[row["stance_id"]],
            "stance_target": _stance_target(row, names),
            "note": row["note"],
            "relations": _relations(row, names),
            "attributes": row["attributes"],
            "gold": row["is_gold"],
            "settled_by": row["annotator_username"] if row["is_gold"] else None,
            "source": row["source_username"],
            "created_at": _iso(row["created_at"]),
            "updated_at": _iso(row["updated_at"]),
        }


def _relations(row: Mapping[str, Any], names: dict[int, str]) -> list[dict[str, Any]]:
    return [{"type": names[type_id], "claim": other} for type_id, other in row["relations"]]


def _stance_target(row: Mapping[str, Any], names: dict[int, str]) -> str | dict[str, int]:
    if row["target_claim_id"] is not None:
        return {"claim": row["target_claim_id"]}
    return names[row["stance_target_id"]]


class ReplyLabelSerializer(serializers.Serializer[Mapping[str, Any]]):
    """A reply label, from a row of :func:`annotate.selectors.api_reply_label_list`."""

    id = serializers.IntegerField(read_only=True)
    thread = serializers.IntegerField(read_only=True, help_text="The thread's (article's) id.")
    comment_id = serializers.IntegerField(read_only=True)
    comment_external_id = serializers.CharField(read_only=True)
    annotator = serializers.CharField(read_only=True, help_text="The annotator's username.")
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    toward = serializers.ChoiceField(
        choices=Toward.choices,
        read_only=True,
        help_text="What the label is about: parent (the text the comment answers, the article "
        "for a top-level comment) or root (the thread's article).",
    )
    gold = serializers.BooleanField(read_only=True)
    settled_by = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Gold only: the reviewer who settled it (null for an annotator's own).",
    )
    source = serializers.CharField(  # type: ignore[assignment]  # a field, as ``label`` is
        read_only=True,
        allow_null=True,
        help_text="Gold only: the annotator it was accepted from (null: drawn by the reviewer, "
        "or not gold).",
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": row["id"],
            "thread": row["article_id"],
            "comment_id": row["comment_id"],
            "comment_external_id": row["comment_external_id"],
            "annotator": row["annotator_username"],
            "label": self.context["label_names"][row["label_id"]],
            "toward": row["toward"],
            "gold": row["is_gold"],
            "settled_by": row["annotator_username"] if row["is_gold"] else None,
            "source": row["source_username"],
            "created_at": _iso(row["created_at"]),
            "updated_at": _iso(row["updated_at"]),
        }


class RelationSerializer(serializers.Serializer[Mapping[str, Any]]):
    """A relation, from a row of :func:`annotate.selectors.api_relation_list`."""

    id = serializers.IntegerField(read_only=True)
    thread = serializers.IntegerField(read_only=True, help_text="The thread's (article's) id.")
    annotator = serializers.CharField(
        read_only=True, help_text="The annotator's username (gold: the reviewer who settled it)."
    )
    type = serializers.CharField(read_only=True, help_text="A relation type: support, attack, ...")
    from_claim = serializers.IntegerField(read_only=True, help_text="The claim it starts from.")
    to_claim = serializers.IntegerField(
        read_only=True, help_text="The claim it points at: in the same text or up the chain."
    )
    gold = serializers.BooleanField(read_only=True)
    settled_by = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Gold only: the reviewer who settled it (null for an annotator's own).",
    )
    source = serializers.CharField(  # type: ignore[assignment]  # a field, as ``label`` is
        read_only=True,
        allow_null=True,
        help_text="Gold only: the annotator it was accepted from (null: drawn by the reviewer, "
        "or not gold).",
    )
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": row["id"],
            "thread": row["article_id"],
            "annotator": row["annotator_username"],
            "type": self.context["label_names"][row["type_id"]],
            "from_claim": row["from_claim_id"],
            "to_claim": row["to_claim_id"],
            "gold": row["is_gold"],
            "settled_by": row["annotator_username"] if row["is_gold"] else None,
            "source": row["source_username"],
            "created_at": _iso(row["created_at"]),
        }
