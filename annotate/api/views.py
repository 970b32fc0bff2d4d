"""The researcher REST API (DESIGN.md "REST API"): read-only views over the selectors.

What a user sees is decided by ``annotate.selectors`` (``api_*``): a corpus or
thread the user may not read is a 404 with the same body as one that does not
exist. Every error is JSON ``{"detail": ...}`` (plus ``errors`` for a bad
parameter), shaped by :func:`api_exception_handler`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from annotate.api.docs import (
    BAD_REQUEST,
    CLAIM_EXAMPLE,
    ERRORS,
    GOLD_CLAIM_EXAMPLE,
    GOLD_REPLY_LABEL_EXAMPLE,
    NOT_FOUND_RESPONSE,
    RELATION_EXAMPLE,
    REPLY_LABEL_EXAMPLE,
    SLUG,
    THREAD_EXAMPLE,
    THREAD_ID,
)
from annotate.api.filters import ClaimFilter, RelationFilter, ReplyLabelFilter
from annotate.api.pagination import MAX_ID, IdCursorPagination
from annotate.api.permissions import CanExportCorpus, ReadOnly
from annotate.api.serializers import (
    ClaimSerializer,
    CorpusDetailSerializer,
    CorpusSerializer,
    ErrorSerializer,
    RelationSerializer,
    ReplyLabelSerializer,
    ThreadDetailSerializer,
    ThreadSerializer,
)
from annotate.models import Claim, Relation, ReplyLabel
from annotate.selectors.api import (
    api_claim_list,
    api_corpus_get,
    api_corpus_list,
    api_label_names_by_id,
    api_relation_list,
    api_relations_from,
    api_reply_label_list,
    api_thread_list,
    api_thread_queryset,
)
from threads.models import Article, Corpus
from threads.selectors import thread_get

NO_CORPUS = "No corpus with this slug among those you can read."
NO_THREAD = "No thread with this id among those you can read."

EXPORT_FORMATS = {
    # format: (content type, file name suffix)
    "jsonl": ("application/x-ndjson; charset=utf-8", ".jsonl"),
    "csv": ("text/csv; charset=utf-8", ".csv"),
    "convokit": ("application/zip", "-convokit.zip"),
    "brat": ("application/zip", "-brat.zip"),
}
TRUE_VALUES = {"1", "true", "yes"}
FALSE_VALUES = {"0", "false", "no", ""}


class ApiMixin(APIView):
    """Authenticated, read-only, throttled: every API view."""

    permission_classes = [IsAuthenticated, ReadOnly]  # a list: each refusal keeps its message


@extend_schema_view(
    get=extend_schema(
        summary="Corpora you can read",
        description="Admins: every corpus; reviewers and researchers: the corpora they are "
        "granted; annotators: the corpora of their assigned threads.",
        responses={200: CorpusSerializer(many=True), **ERRORS},
    )
)
class CorpusListApi(ApiMixin, generics.ListAPIView[Corpus]):
    serializer_class = CorpusSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Corpus]:
        return api_corpus_list(user=self.request.user)


def corpus_or_404(request: Request, slug: str, *, with_schema: bool = False) -> Corpus:
    if with_schema:
        corpus = api_corpus_get(user=request.user, slug=slug)
    else:
        # With the directions its reply labels take: agreement reads them.
        corpus = (
            api_corpus_list(user=request.user).filter(slug=slug).select_related("reply_scope")
        ).first()
    if corpus is None:
        raise exceptions.NotFound(NO_CORPUS)
    return corpus


@extend_schema_view(
    get=extend_schema(
        summary="One corpus, with its label schema",
        parameters=[SLUG],
        responses={200: CorpusDetailSerializer, **NOT_FOUND_RESPONSE, **ERRORS},
    )
)
class CorpusDetailApi(ApiMixin, generics.RetrieveAPIView[Corpus]):
    serializer_class = CorpusDetailSerializer
    queryset = Corpus.objects.none()  # for the schema; get_object reads through the selector
    lookup_field = "slug"

    def get_object(self) -> Corpus:
        return corpus_or_404(self.request, self.kwargs["slug"], with_schema=True)


@extend_schema_view(
    get=extend_schema(
        summary="The threads of a corpus, with counts and progress",
        parameters=[SLUG],
        description="Each thread (article) with its comment count, the claims and reply labels "
        "you can read, and its assignments (done of total). Annotators see only their "
        "assigned threads and count only their own labels. Ordered by id, cursor-paginated.",
        responses={200: ThreadSerializer(many=True), **BAD_REQUEST, **NOT_FOUND_RESPONSE, **ERRORS},
        examples=[THREAD_EXAMPLE],
    )
)
class CorpusThreadListApi(ApiMixin, generics.ListAPIView[Article]):
    serializer_class = ThreadSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[Article]:
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        corpus = corpus_or_404(self.request, self.kwargs["slug"])
        return api_thread_list(user=self.request.user, corpus=corpus)


@extend_schema_view(
    get=extend_schema(
        summary="One thread: the article and its comments in display order",
        parameters=[THREAD_ID],
        description="Comments come parents first, each reply after its parent and siblings in "
        "order (`position`), with `depth` 0 for a top-level comment.",
        responses={200: ThreadDetailSerializer, **NOT_FOUND_RESPONSE, **ERRORS},
    )
)
class ThreadDetailApi(ApiMixin, generics.RetrieveAPIView[Article]):
    serializer_class = ThreadDetailSerializer
    queryset = Article.objects.none()  # for the schema; get_object reads through the selector

    def get_object(self) -> Article:
        pk = self.kwargs["pk"]
        if not 0 < pk <= MAX_ID:
            raise exceptions.NotFound(NO_THREAD)
        try:
            thread = thread_get(article_id=pk, queryset=api_thread_queryset(user=self.request.user))
        except Article.DoesNotExist:
            raise exceptions.NotFound(NO_THREAD) from None
        by_id = {comment.pk: comment for comment in thread.comments}
        for comment in thread.comments:
            parent = by_id.get(comment.parent_id) if comment.parent_id else None
            comment.parent_external_id = parent.external_id if parent else None  # type: ignore[attr-defined]
        thread.article.comment_list = thread.comments  # type: ignore[attr-defined]
        return thread.article


def _label_names(view: APIView) -> dict[int, str]:
    if getattr(view, "swagger_fake_view", False):
        return {}
    return api_label_names_by_id(user=view.request.user)


LIST_DESCRIPTION = (
    "Admins read every {what}; reviewers and researchers every {what} (annotators' and gold) "
    "of the corpora they are granted; annotators only their own, on their assigned threads. "
    "Ordered by id and cursor-paginated: follow `next` until it is null. Rows added while "
    "you page appear on later pages; none is skipped or repeated."
)


@extend_schema_view(
    get=extend_schema(
        summary="Claims, filtered and paginated",
        description=LIST_DESCRIPTION.format(what="claim"),
        responses={200: ClaimSerializer(many=True), **BAD_REQUEST, **ERRORS},
        examples=[CLAIM_EXAMPLE, GOLD_CLAIM_EXAMPLE],
    )
)
# The two label lists read rows of values (see annotate.selectors.api), not model
# instances, and DRF's stubs type a generic view by the instances its serializer gets:
# hence Any as their parameter, and the rows' type on get_queryset.
class ClaimListApi(ApiMixin, generics.ListAPIView[Any]):
    serializer_class = ClaimSerializer
    pagination_class = IdCursorPagination
    filterset_class = ClaimFilter

    def get_queryset(self) -> QuerySet[Claim, Mapping[str, Any]]:
        return api_claim_list(user=self.request.user)

    def paginate_queryset(self, queryset: QuerySet[Any] | Sequence[Any]) -> Sequence[Any] | None:
        """The page, each claim with its relations (one query for the whole page)."""
        page = super().paginate_queryset(queryset)
        if page is not None:
            relations = api_relations_from(claim_ids=[row["id"] for row in page])
            for row in page:
                row["relations"] = relations.get(row["id"], [])
        return page

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "label_names": _label_names(self)}


@extend_schema_view(
    get=extend_schema(
        summary="Reply labels, filtered and paginated",
        description=LIST_DESCRIPTION.format(what="reply label"),
        responses={200: ReplyLabelSerializer(many=True), **BAD_REQUEST, **ERRORS},
        examples=[REPLY_LABEL_EXAMPLE, GOLD_REPLY_LABEL_EXAMPLE],
    )
)
class ReplyLabelListApi(ApiMixin, generics.ListAPIView[Any]):
    serializer_class = ReplyLabelSerializer
    pagination_class = IdCursorPagination
    filterset_class = ReplyLabelFilter

    def get_queryset(self) -> QuerySet[ReplyLabel, Mapping[str, Any]]:
        return api_reply_label_list(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "label_names": _label_names(self)}


@extend_schema_view(
    get=extend_schema(
        summary="Relations between claims, filtered and paginated",
        description=LIST_DESCRIPTION.format(what="relation")
        + " A relation links a claim (`from_claim`) to another of the same annotator, or gold "
        "to gold (`to_claim`), in the same text or up the reply chain; claims carry the same "
        "links in their `relations`.",
        responses={200: RelationSerializer(many=True), **BAD_REQUEST, **ERRORS},
        examples=[RELATION_EXAMPLE],
    )
)
class RelationListApi(ApiMixin, generics.ListAPIView[Any]):
    serializer_class = RelationSerializer
    pagination_class = IdCursorPagination
    filterset_class = RelationFilter

    def get_queryset(self) -> QuerySet[Relation, Mapping[str, Any]]:
        return api_relation_list(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "label_names": _label_names(self)}


class FirstRendererNegotiation(BaseContentNegotiation):
    """The export answers with its own file type whatever ``Accept`` says; errors are JSON."""

    # DRF passes the view's lists; its stubs declare any iterable, which cannot be indexed.
    def select_parser(  # type: ignore[override]
        self, request: Request, parsers: Sequence[BaseParser]
    ) -> BaseParser | None:
        return parsers[0] if parsers else None

    def select_renderer(  # type: ignore[override]
        self, request: Request, renderers: Sequence[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


class CorpusExportApi(ApiMixin):
    permission_classes = [IsAuthenticated, ReadOnly, CanExportCorpus]
    content_negotiation_class = FirstRendererNegotiation
    throttle_classes = [UserRateThrottle, AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "export"

    @extend_schema(
        summary="Download the whole labelled corpus",
        description="Streams the corpus in the export format of DESIGN.md: `jsonl` (one thread "
        "a line, with its annotations and gold), `csv` (one row per claim), `convokit` (a "
        "zip of a ConvoKit corpus folder) or `brat` (a zip of brat `.txt`/`.ann` pairs and post "
        "maps, one per thread and annotator, and gold). For the corpus's researchers, reviewers "
        "and admins.",
        parameters=[
            SLUG,
            OpenApiParameter(
                "format",
                str,
                enum=list(EXPORT_FORMATS),
                default="jsonl",
                description="jsonl, csv, convokit (a zip) or brat (a zip).",
            ),
            OpenApiParameter(
                "pseudonymise",
                str,
                enum=["1", "0", "true", "false"],
                default="0",
                description="1: replace author names with a stable per-corpus hash.",
            ),
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.BINARY, description="One thread a line."
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="A claim a row."),
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="A ConvoKit corpus folder, or a brat folder, zipped.",
            ),
            (400, "application/json"): OpenApiResponse(
                ErrorSerializer,
                description="An unknown format or a pseudonymise that is not a boolean.",
                examples=[
                    OpenApiExample(
                        "Unknown format",
                        value={
                            "detail": "Invalid parameters. format: No export format 'xml'. "
                            "Accepted: jsonl, csv, convokit, brat.",
                            "errors": {
                                "format": [
                                    "No export format 'xml'. Accepted: jsonl, csv, convokit, brat."
                                ]
                            },
                        },
                    )
                ],
            ),
            **{(code, "application/json"): r for code, r in NOT_FOUND_RESPONSE.items()},
            **{(code, "application/json"): r for code, r in ERRORS.items()},
        },
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        corpus = corpus_or_404(request, slug)
        self.check_object_permissions(request, corpus)
        fmt = request.query_params.get("format", "jsonl")
        if fmt not in EXPORT_FORMATS:
            raise exceptions.ValidationError(
                {"format": [f"No export format {fmt!r}. Accepted: {', '.join(EXPORT_FORMATS)}."]}
            )
        raw = request.query_params.get("pseudonymise", "0").strip().lower()
        if raw not in TRUE_VALUES | FALSE_VALUES:
            raise exceptions.ValidationError(
                {"pseudonymise": [f"pseudonymise={raw!r} is not a boolean: use 1 or 0."]}
            )
        pseudonymise = raw in TRUE_VALUES
        from annotate.exchange import corpus_export_stream  # written beside this module

        chunks: Iterator[bytes] = corpus_export_stream(
            corpus=corpus, fmt=fmt, pseudonymise=pseudonymise
        )
        content_type, suffix = EXPORT_FORMATS[fmt]
        name = corpus.slug + ("-pseudonymised" if pseudonymise else "") + suffix
        response = StreamingHttpResponse(chunks, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
