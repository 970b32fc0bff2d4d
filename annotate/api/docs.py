"""What the OpenAPI schema says beside the shapes of ``serializers``: the error answers, the
path parameters and an example of each list's rows."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from annotate.api.serializers import ErrorSerializer

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No token, or a wrong or revoked one."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (the API is read-only)."),
    405: OpenApiResponse(ErrorSerializer, description="The API is read-only: use GET."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests: wait and retry."),
}
BAD_REQUEST = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="A parameter the API cannot use; `errors` names it and says what works.",
        examples=[
            OpenApiExample(
                "Unknown stance",
                value={
                    "detail": "Invalid parameters. stance: No stance named 'nonsense'. "
                    "Valid: neutral, oppose, support.",
                    "errors": {
                        "stance": ["No stance named 'nonsense'. Valid: neutral, oppose, support."]
                    },
                },
            )
        ],
    )
}
NOT_FOUND_RESPONSE = {
    404: OpenApiResponse(
        ErrorSerializer, description="No such object, or not one you can read (the same answer)."
    )
}


SLUG = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    pattern=r"^[-a-zA-Z0-9_]+$",
    description="The corpus's slug, as the corpora list gives it.",
)
THREAD_ID = OpenApiParameter(
    "id", OpenApiTypes.INT64, OpenApiParameter.PATH, description="The thread's (article's) id."
)


CLAIM_EXAMPLE = OpenApiExample(
    "A claim answering an earlier claim",
    response_only=True,
    value={
        "id": 7,
        "thread": 42,
        "comment_id": 311,
        "comment_external_id": "c12",
        "annotator": "alice",
        "start": 0,
        "end": 28,
        "text": "Sanctions never change minds",
        "claim_type": "claim",
        "stance": "oppose",
        "stance_target": {"claim": 5},
        "note": "",
        "relations": [{"type": "attack", "claim": 5}],
        "attributes": {},
        "gold": False,
        "settled_by": None,
        "source": None,
        "created_at": "2026-11-20T10:01:02.123456Z",
        "updated_at": "2026-11-20T10:01:02.123456Z",
    },
)
GOLD_CLAIM_EXAMPLE = OpenApiExample(
    "A gold claim, accepted from alice by victor",
    response_only=True,
    value={
        "id": 19,
        "thread": 42,
        "comment_id": 311,
        "comment_external_id": "c12",
        "annotator": "victor",
        "start": 0,
        "end": 28,
        "text": "Sanctions never change minds",
        "claim_type": "claim",
        "stance": "oppose",
        "stance_target": "parent",
        "note": "",
        "relations": [],
        "attributes": {"Confidence": "high"},
        "gold": True,
        "settled_by": "victor",
        "source": "alice",
        "created_at": "2026-11-21T09:00:00.000000Z",
        "updated_at": "2026-11-21T09:02:10.500000Z",
    },
)
RELATION_EXAMPLE = OpenApiExample(
    "A relation: alice's claim 7 attacks her claim 5, two posts up",
    response_only=True,
    value={
        "id": 4,
        "thread": 42,
        "annotator": "alice",
        "type": "attack",
        "from_claim": 7,
        "to_claim": 5,
        "gold": False,
        "settled_by": None,
        "source": None,
        "created_at": "2026-11-20T10:01:05.000000Z",
    },
)
REPLY_LABEL_EXAMPLE = OpenApiExample(
    "A reply label",
    response_only=True,
    value={
        "id": 3,
        "thread": 42,
        "comment_id": 311,
        "comment_external_id": "c12",
        "annotator": "alice",
        "label": "deny",
        "toward": "parent",
        "gold": False,
        "settled_by": None,
        "source": None,
        "created_at": "2026-11-20T10:01:02.123456Z",
        "updated_at": "2026-11-20T10:01:02.123456Z",
    },
)
GOLD_REPLY_LABEL_EXAMPLE = OpenApiExample(
    "A gold reply label toward the thread's article, the majority, accepted from alice by victor",
    response_only=True,
    value={
        "id": 8,
        "thread": 42,
        "comment_id": 311,
        "comment_external_id": "c12",
        "annotator": "victor",
        "label": "query",
        "toward": "root",
        "gold": True,
        "settled_by": "victor",
        "source": "alice",
        "created_at": "2026-11-21T09:03:00.000000Z",
        "updated_at": "2026-11-21T09:03:00.000000Z",
    },
)
THREAD_EXAMPLE = OpenApiExample(
    "A thread half done",
    response_only=True,
    value={
        "id": 42,
        "external_id": "russia-israel-thread",
        "title": "A Growing Russian-Israeli Alliance?",
        "author": "",
        "url": "",
        "published_at": None,
        "comment_count": 30,
        "claim_count": 57,
        "reply_label_count": 60,
        "progress": {"done": 1, "total": 2},
    },
)
