"""``GET /api/v1/corpora/{slug}/agreement/``: inter-annotator agreement (DESIGN.md "Agreement").

The figures are computed per thread and kept (``annotate/services/agreement.py``): a request
computes only the threads whose labels changed since, and answers the rest from the kept rows.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.access import corpora_for, is_admin
from annotate.api.docs import ERRORS, NOT_FOUND_RESPONSE, SLUG
from annotate.api.permissions import ReadOnly
from annotate.api.serializers import ErrorSerializer
from annotate.api.views import ApiMixin, corpus_or_404
from annotate.services.agreement import corpus_agreement, corpus_agreement_json
from threads.models import Corpus
from threads.selectors import thread_in_corpus

NO_THREAD_HERE = "No thread with this id in this corpus."


class CanCompareAnnotators(BasePermission):
    """Agreement compares every annotator's labels: the corpus's reviewers, researchers and
    admins. An annotator would learn about the others' labels (blind annotation)."""

    message = (
        "Agreement figures compare every annotator's labels: only the corpus's researchers, "
        "reviewers and admins may read them."
    )

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if not isinstance(obj, Corpus):
            return False
        return is_admin(request.user) or corpora_for(request.user).filter(pk=obj.pk).exists()


_PAIR = {"n": 4, "observed": 0.75, "kappa": 0.5}
_SPANS = {
    "mean_pairwise": 0.8,
    "micro": 0.8,
    "per_type_micro": {"claim": 0.8},
    "pairwise": {"alice|bob": {"f1": 0.8, "matches": 4, "n_first": 5, "n_second": 5}},
}
_LEVEL: dict[str, Any] = {
    "annotators": ["alice", "bob"],
    "reply_labels": {
        "alpha_nominal": 0.52,
        "kappa_mean_pairwise": 0.5,
        "kappa_pairwise": {"alice|bob": _PAIR},
    },
    "claims": {
        "n_claims": 10,
        "span_f1": {"exact": _SPANS, "overlap": _SPANS},
        "stance": {
            "n_matched": 4,
            "observed": 0.75,
            "kappa_mean_pairwise": 0.5,
            "pairwise": {"alice|bob": _PAIR},
        },
    },
}
AGREEMENT_EXAMPLE = OpenApiExample(
    "Two annotators on one thread (abridged: by_depth, by_target and matrix have the same keys)",
    response_only=True,
    value={
        "corpus": {
            **_LEVEL,
            "claims": {
                **_LEVEL["claims"],
                "alpha_u": {
                    "thread_mean": 0.61,
                    "per_type_thread_mean": {"claim": 0.61},
                    "pairwise_thread_mean": {"alice|bob": 0.61},
                },
            },
        },
        "threads": {
            "russia-israel-thread": {
                **_LEVEL,
                "claims": {
                    **_LEVEL["claims"],
                    "alpha_u": {
                        "pooled": {"alpha": 0.61, "d_o": 0.002, "d_e": 0.0051, "per_type": {}},
                        "pairwise": {"alice|bob": 0.61},
                    },
                },
            }
        },
    },
)


class CorpusAgreementApi(ApiMixin):
    permission_classes = [IsAuthenticated, ReadOnly, CanCompareAnnotators]

    @extend_schema(
        summary="Inter-annotator agreement of a corpus and of each of its threads",
        description=(
            "Reply labels: Krippendorff's alpha (nominal) and Cohen's kappa per annotator pair; "
            "claims: Krippendorff's unitized alpha (alpha_U, as DKPro Statistics computes it), "
            "span F1 with exact and overlap matching, and stance agreement on the overlap-"
            "matched claims; each also by comment depth and by stance target, and a matrix of "
            "pairwise kappa and F1. Pairs are written `a|b` with `a < b`. Undefined figures are "
            "null. Where the corpus labels replies both toward the parent and toward the root "
            "(the article), `reply_labels_by_direction` has each direction's reply-label figures "
            "apart (`parent`, `root`) and `reply_labels` is the parent one; where it labels one "
            "direction, `reply_labels` is that one and the key is absent. The exact rules are in "
            "the README's Agreement section. For the corpus's researchers, reviewers and admins."
        ),
        parameters=[
            SLUG,
            OpenApiParameter("thread", int, description="Only this thread (its id)."),
        ],
        responses={
            200: OpenApiResponse(description="The figures.", examples=[AGREEMENT_EXAMPLE]),
            400: OpenApiResponse(ErrorSerializer, description="A thread that is not an id."),
            **NOT_FOUND_RESPONSE,
            **ERRORS,
        },
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        corpus = corpus_or_404(request, slug)
        self.check_object_permissions(request, corpus)
        raw = request.query_params.get("thread")
        article_id = None
        if raw is not None:
            if not raw.isdigit() or len(raw) > 18:
                raise exceptions.ValidationError(
                    {"thread": [f"thread={raw!r} is not a thread id: use a whole number."]}
                )
            article_id = int(raw)
            if not thread_in_corpus(corpus=corpus, article_id=article_id):
                raise exceptions.NotFound(NO_THREAD_HERE)
        if article_id is not None:
            return Response(corpus_agreement(corpus=corpus, article_id=article_id))
        # The whole corpus is served as kept JSON: rendering it again costs seconds.
        return HttpResponse(corpus_agreement_json(corpus=corpus), content_type="application/json")
