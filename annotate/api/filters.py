"""Query-string filters of the claim, reply-label and relation lists (django-filter).

A value the filter cannot use is a 400 that says what would work: a label name
no schema readable by the user has, a ``gold`` that is not a boolean, a date
that is not ISO 8601. Label names are checked against the schemas of the
corpora the user may read (one query, only when the filter is given).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import django_filters as filters
from django import forms
from django.contrib.auth.models import User
from django.db import connections
from django.db.models import BigIntegerField, F, Func, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from annotate.models import Claim, LabelKind, Relation, ReplyLabel, Toward
from annotate.selectors.api import api_corpus_id, api_label_values
from threads.models import Article

MAX_ID = 2**63 - 1

# The claim and reply-label lists these filters narrow (querysets of value rows, see
# annotate.selectors.api): a filter gives back the kind of queryset it was given.
Rows = TypeVar("Rows", bound="QuerySet[Claim | ReplyLabel | Relation, Any]")


class IdField(forms.IntegerField):
    default_error_messages = {"invalid": "Give a thread id: a whole number, e.g. 42."}


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(filters.NumberFilter):
    """An integer id; a value no row can have (too large, negative) is refused, not queried."""

    field_class = IdField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class LabelNameFilter(filters.CharFilter):
    """A label value by name, checked against the readable corpora's schemas.

    Filters on the ids of the values with that name (one per corpus), so the
    page query needs no join to the label table.
    """

    def __init__(self, *, kind: str, param: str, **kwargs: Any) -> None:
        self.kind = kind
        self.param = param
        super().__init__(max_length=50, **kwargs)

    def filter(self, qs: Rows, value: Any) -> Rows:
        if value in ("", None):
            return qs
        values = api_label_values(user=self.parent.request.user, kind=self.kind)
        ids = [pk for pk, name in values if name == value]
        if not ids:
            names = sorted({name for _, name in values})
            valid = ", ".join(names) or "none: you cannot read any corpus"
            kind = LabelKind(self.kind).label
            raise ValidationError({self.param: [f"No {kind} named {value!r}. Valid: {valid}."]})
        return qs.filter(**{f"{self.field_name}_id__in": ids})


GOLD_CHOICES = [("true", "true"), ("false", "false"), ("1", "1"), ("0", "0")]


class GoldFilter(filters.ChoiceFilter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=GOLD_CHOICES,
            method=self.filter_gold,
            error_messages={
                "invalid_choice": "gold=%(value)s is not a boolean: use gold=true or gold=false."
            },
            help_text="true: only the reviewers' gold labels; false: only the annotators' own.",
            **kwargs,
        )

    @staticmethod
    def filter_gold(qs: Rows, name: str, value: str) -> Rows:
        return qs.filter(is_gold=value in ("true", "1"))


class TowardFilter(filters.ChoiceFilter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=Toward.choices,
            error_messages={
                "invalid_choice": "toward=%(value)s is not a direction: use toward=parent (the "
                "text a comment answers) or toward=root (the thread's article)."
            },
            help_text="parent: labels of how a comment relates to the text it answers; root: to "
            "the thread's article.",
            **kwargs,
        )


# The widest UTC offsets in use anywhere (UTC-12:00 to UTC+14:00). PostgreSQL refuses a
# displacement past 15:59 ("time zone displacement out of range"), Python takes up to 23:59.
MAX_UTC_OFFSET = dt.timedelta(hours=14)
_TIME_RANGE = (
    "Give an ISO 8601 date and time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z,"
    " with a UTC offset from -14:00 to +14:00, e.g. 2026-01-31T12:00:00Z."
)


class SafeIsoDateTimeField(filters.fields.IsoDateTimeField):
    default_error_messages = {
        "invalid": "Give an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z.",
        "range": _TIME_RANGE,
    }

    def to_python(self, value: Any) -> Any:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(self.error_messages["range"], code="range")
        try:
            # The database stores UTC: a time at the edge of the calendar whose offset
            # pushes it past year 1 or 9999 cannot be stored or compared. Handed on in
            # UTC, so no database sees the offset it was written with.
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["range"], code="range") from None


class UpdatedSinceFilter(filters.IsoDateTimeFilter):
    field_class = SafeIsoDateTimeField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            field_name="updated_at",
            lookup_expr="gte",
            help_text="Only rows created or changed at or after this ISO 8601 time.",
            **kwargs,
        )


def _id_order_kept(qs: QuerySet[Claim | ReplyLabel | Relation, Any], field: str) -> F | Func:
    """``field`` as an expression SQLite will not read through an index, on SQLite only.

    SQLite has no statistics to weigh an index on ``field`` against the id order
    a page is read in, so for ``annotator=`` it would collect and sort every
    claim of the annotator (a million: seconds) to return 100. Written
    ``+field``, the page is read in id order (or through (corpus, id) with
    ``corpus=``) and stops once full. PostgreSQL weighs both plans itself and
    gets the plain column.
    """
    if connections[qs.db].vendor != "sqlite":
        return F(field)
    return Func(F(field), template="+%(expressions)s", output_field=BigIntegerField())


def filter_corpus(qs: Rows, name: str, value: str) -> Rows:
    """The rows of one corpus, read through the (corpus, id) index in id order.

    The corpus's id is looked up first (one query) and written into the SQL as a literal
    number, not a subquery or a bound parameter: PostgreSQL plans ``corpus_id = $1`` for
    an unknown corpus (a share of 1 / number of corpora), and with few corpora it then walks
    the id index past the other corpora's rows (it did, 6,000 rows for a page of 100; and
    psycopg's prepared statements settle on that generic plan after five runs). With the
    number in the text each corpus has its own statement, planned from the statistics.
    tests/annotate/api/test_corpus_index.py asserts the plan.
    """
    corpus_id = api_corpus_id(slug=value)
    if corpus_id is None:
        return qs.none()
    return qs.filter(corpus_id=RawSQL(str(int(corpus_id)), ()))


def filter_relation_corpus(qs: Rows, name: str, value: str) -> Rows:
    """The relations of one corpus, through their threads: a relation carries no corpus."""
    articles = Article.objects.filter(corpus__slug=value).order_by().values("id")
    return qs.filter(In(_id_order_kept(qs, "article_id"), articles))


def filter_annotator(qs: Rows, name: str, value: str) -> Rows:
    users = User.objects.filter(username=value).order_by().values("id")
    return qs.filter(In(_id_order_kept(qs, "annotator_id"), users))


def _corpus(method: Any = filter_corpus) -> filters.CharFilter:
    return filters.CharFilter(method=method, max_length=100, help_text="A corpus slug.")


def _thread() -> IdFilter:
    return IdFilter(field_name="article_id", help_text="A thread (article) id.")


def _annotator() -> filters.CharFilter:
    return filters.CharFilter(
        method=filter_annotator, max_length=150, help_text="An annotator's username."
    )


class ClaimFilter(filters.FilterSet):
    corpus = _corpus()
    thread = _thread()
    annotator = _annotator()
    stance = LabelNameFilter(
        kind=LabelKind.STANCE,
        param="stance",
        field_name="stance",
        help_text="A stance name of the corpus's schema, e.g. support.",
    )
    claim_type = LabelNameFilter(
        kind=LabelKind.CLAIM_TYPE,
        param="claim_type",
        field_name="claim_type",
        help_text="A claim type name of the corpus's schema, e.g. claim.",
    )
    gold = GoldFilter()
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Claim
        fields = ["corpus", "thread", "annotator", "stance", "claim_type", "gold", "updated_since"]


class ReplyLabelFilter(filters.FilterSet):
    corpus = _corpus()
    thread = _thread()
    annotator = _annotator()
    label = LabelNameFilter(
        kind=LabelKind.REPLY_LABEL,
        param="label",
        field_name="label",
        help_text="A reply label name of the corpus's schema, e.g. support.",
    )
    toward = TowardFilter()
    gold = GoldFilter()
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = ReplyLabel
        fields = ["corpus", "thread", "annotator", "label", "toward", "gold", "updated_since"]


class RelationFilter(filters.FilterSet):
    corpus = _corpus(filter_relation_corpus)
    thread = _thread()
    annotator = _annotator()
    type = LabelNameFilter(
        kind=LabelKind.RELATION,
        param="type",
        field_name="type",
        help_text="A relation type name of the corpus's schema, e.g. support.",
    )
    gold = GoldFilter()

    class Meta:
        model = Relation
        fields = ["corpus", "thread", "annotator", "type", "gold"]
