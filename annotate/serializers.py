"""JSON shapes of the read-only API. Every serializer lists its fields; none writes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotate.models import Claim, LabelValue, ReplyLabel
from threads.models import Article, Comment, Corpus


class ErrorSerializer(serializers.Serializer):
    """Every error: a sentence for a person, plus the offending parameters for a 400."""

    detail = serializers.CharField()
    # Declared fields leave the class namespace (SerializerMetaclass): ``.errors`` still works.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class LabelValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = LabelValue
        fields = ["kind", "name", "description", "key", "colour", "retired"]


class CorpusSerializer(serializers.ModelSerializer):
    thread_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Corpus
        fields = ["slug", "title", "description", "thread_count", "created_at", "updated_at"]


class CorpusDetailSerializer(CorpusSerializer):
    label_schema = LabelValueSerializer(many=True, read_only=True)

    class Meta(CorpusSerializer.Meta):
        fields = [*CorpusSerializer.Meta.fields, "guidelines", "label_schema"]


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(source="assignments_done", read_only=True)
    total = serializers.IntegerField(source="assignments_total", read_only=True)


# A URL field would be documented as format "uri", which "" (no source URL) is not.
SOURCE_URL = serializers.CharField(read_only=True, help_text="The source URL, or an empty string.")


class ThreadSerializer(serializers.ModelSerializer):
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


class CommentSerializer(serializers.ModelSerializer):
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


class ThreadDetailSerializer(serializers.ModelSerializer):
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


class ClaimSerializer(serializers.ModelSerializer):
    thread = serializers.IntegerField(source="article_id", read_only=True)
    comment_id = serializers.IntegerField(read_only=True, allow_null=True)
    comment_external_id = serializers.SerializerMethodField()
    annotator = serializers.CharField(source="annotator.username", read_only=True)
    text = serializers.CharField(source="quote", read_only=True)
    claim_type = serializers.CharField(source="claim_type.name", read_only=True)
    stance = serializers.CharField(source="stance.name", read_only=True)
    stance_target = serializers.SerializerMethodField()
    gold = serializers.BooleanField(source="is_gold", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "thread",
            "comment_id",
            "comment_external_id",
            "annotator",
            "start",
            "end",
            "text",
            "claim_type",
            "stance",
            "stance_target",
            "note",
            "gold",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_comment_external_id(self, claim: Claim) -> str | None:
        return claim.comment.external_id if claim.comment is not None else None

    @extend_schema_field(STANCE_TARGET_SCHEMA)
    def get_stance_target(self, claim: Claim) -> str | dict[str, int]:
        if claim.target_claim_id is not None:
            return {"claim": claim.target_claim_id}
        assert claim.stance_target is not None  # the database holds one of the two
        return claim.stance_target.name


class ReplyLabelSerializer(serializers.ModelSerializer):
    thread = serializers.IntegerField(source="article_id", read_only=True)
    comment_id = serializers.IntegerField(read_only=True)
    comment_external_id = serializers.CharField(source="comment.external_id", read_only=True)
    annotator = serializers.CharField(source="annotator.username", read_only=True)
    label = serializers.CharField(source="label.name", read_only=True)  # type: ignore[assignment]
    gold = serializers.BooleanField(source="is_gold", read_only=True)

    class Meta:
        model = ReplyLabel
        fields = [
            "id",
            "thread",
            "comment_id",
            "comment_external_id",
            "annotator",
            "label",
            "gold",
            "created_at",
            "updated_at",
        ]
