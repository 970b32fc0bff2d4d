"""Import, last stage: checked threads written in bulk, in the order the database checks.

A batch's articles go in at once, then its comments level by level (the
database checks that a reply's parent is already there, one level up), then
its claims in rounds of target order (a claim's target claim first), then their
relations, then its reply labels. Ids are reserved before the rows are built, so a reply knows its
parent's id and a claim its target's before either is inserted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone
from psycopg.types.json import Jsonb

from annotate.exchange.rows import CheckedClaim, CheckedThread, Timestamp
from annotate.models import Claim, Relation, ReplyLabel
from threads.formats.records import CommentRecord
from threads.models import Article, Comment, Corpus

_ARTICLE_FIELDS = (
    "id",
    "corpus",
    "external_id",
    "title",
    "body",
    "author",
    "url",
    "published_at",
    "meta",
    "created_at",
    "updated_at",
)
_COMMENT_FIELDS = (
    "id",
    "article",
    "parent",
    "external_id",
    "author",
    "text",
    "posted_at",
    "meta",
    "depth",
    "position",
    "created_at",
    "updated_at",
)
_CLAIM_FIELDS = (
    "id",
    "annotator",
    "article",
    "comment",
    "start",
    "end",
    "quote",
    "claim_type",
    "stance",
    "stance_target",
    "target_claim",
    "note",
    "is_gold",
    "created_at",
    "updated_at",
    "source",
    "attributes",
    "corpus",
)
_RELATION_FIELDS = (
    "from_claim",
    "to_claim",
    "type",
    "article",
    "annotator",
    "is_gold",
    "source",
    "created_at",
)
_REPLY_LABEL_FIELDS = (
    "annotator",
    "article",
    "corpus",
    "comment",
    "label",
    "toward",
    "is_gold",
    "created_at",
    "updated_at",
    "source",
)


def threads_insert(
    *, corpus: Corpus, threads: list[CheckedThread], annotator_ids: Mapping[str, int]
) -> None:
    """Insert ``threads`` (checked, not yet in ``corpus``) with their comments and labels.

    Runs inside the import's transaction; the database's constraints and
    triggers check every row, and a refusal is a ``DatabaseError``.
    """
    rows = RowWriter()
    now = rows.datetime(timezone.now())
    article_pks = rows.new_ids(Article, len(threads))
    rows.insert(
        Article,
        _ARTICLE_FIELDS,
        [
            (
                pk,
                corpus.pk,
                t.record.id,
                t.record.title,
                t.record.body,
                t.record.author or "",
                t.record.url or "",
                rows.datetime(t.record.created_at),
                rows.json(t.record.meta),
                now,
                now,
            )
            for pk, t in zip(article_pks, threads, strict=True)
        ],
    )
    comment_pks = _comments_insert(rows, article_pks, threads, now)
    _claims_insert(rows, corpus.pk, article_pks, threads, comment_pks, annotator_ids, now)
    rows.insert(
        ReplyLabel,
        _REPLY_LABEL_FIELDS,
        [
            (
                annotator_ids[lbl.annotator],
                article_pk,
                corpus.pk,
                comment_pks[(article_pk, lbl.comment)],
                lbl.label_id,
                lbl.toward,
                lbl.is_gold,
                rows.datetime(lbl.created_at),
                rows.datetime(lbl.updated_at),
                None if lbl.source is None else annotator_ids[lbl.source],
            )
            for article_pk, t in zip(article_pks, threads, strict=True)
            for lbl in t.reply_labels
        ],
    )


def _comments_insert(
    rows: RowWriter, article_pks: Sequence[int], threads: list[CheckedThread], now: Any
) -> dict[tuple[int, str], int]:
    """Comments level by level, so every parent is in before its replies; their new ids."""
    json_value = rows.json
    comment_pks: dict[tuple[int, str], int] = {}
    by_depth: dict[int, list[tuple[int, int, CommentRecord]]] = defaultdict(list)
    for article_pk, t in zip(article_pks, threads, strict=True):
        for position, c in enumerate(t.comments):
            by_depth[c.depth or 0].append((article_pk, position, c))
    comment_ids = iter(rows.new_ids(Comment, sum(len(t.comments) for t in threads)))
    for depth in sorted(by_depth):
        level = []
        for article_pk, position, c in by_depth[depth]:
            pk = next(comment_ids)
            comment_pks[(article_pk, c.id)] = pk
            level.append(
                (
                    pk,
                    article_pk,
                    None if c.parent_id is None else comment_pks[(article_pk, c.parent_id)],
                    c.id,
                    c.author or "",
                    c.text,
                    rows.datetime(c.created_at),
                    json_value(c.meta),
                    depth,
                    position,
                    now,
                    now,
                )
            )
        rows.insert(Comment, _COMMENT_FIELDS, level)
    return comment_pks


def _claims_insert(
    rows: RowWriter,
    corpus_pk: int,
    article_pks: Sequence[int],
    threads: list[CheckedThread],
    comment_pks: Mapping[tuple[int, str], int],
    annotator_ids: Mapping[str, int],
    now: Any,
) -> None:
    """Claims in rounds: those without a target claim, then those whose target is in, and so on;
    then their relations, in the file's order.

    The database checks that a target claim exists; ``level`` (set by the
    checks) is the round.
    """
    by_level: dict[int, list[tuple[int, CheckedClaim]]] = defaultdict(list)
    for article_pk, t in zip(article_pks, threads, strict=True):
        for claim in t.claims:
            by_level[claim.level].append((article_pk, claim))
    claim_ids = iter(rows.new_ids(Claim, sum(len(t.claims) for t in threads)))
    claim_pks: dict[tuple[int, bool, Any], int] = {}
    for level_no in sorted(by_level):
        claim_rows = []
        for article_pk, cl in by_level[level_no]:
            pk = next(claim_ids)
            claim_pks[(article_pk, cl.is_gold, cl.local_id)] = pk
            claim_rows.append(
                (
                    pk,
                    annotator_ids[cl.annotator],
                    article_pk,
                    None if cl.comment is None else comment_pks[(article_pk, cl.comment)],
                    cl.start,
                    cl.end,
                    cl.quote,
                    cl.claim_type_id,
                    cl.stance_id,
                    cl.stance_target_id,
                    None if cl.target is None else claim_pks[(article_pk, cl.is_gold, cl.target)],
                    cl.note,
                    cl.is_gold,
                    rows.datetime(cl.created_at),
                    rows.datetime(cl.updated_at),
                    None if cl.source is None else annotator_ids[cl.source],
                    rows.json(cl.attributes),
                    corpus_pk,
                )
            )
        rows.insert(Claim, _CLAIM_FIELDS, claim_rows)
    rows.insert(
        Relation,
        _RELATION_FIELDS,
        [
            (
                claim_pks[(article_pk, cl.is_gold, cl.local_id)],
                claim_pks[(article_pk, cl.is_gold, relation.other)],
                relation.type_id,
                article_pk,
                annotator_ids[relation.annotator],
                cl.is_gold,
                None if relation.source is None else annotator_ids[relation.source],
                now,
            )
            for article_pk, t in zip(article_pks, threads, strict=True)
            for cl in t.claims
            for relation in cl.relations
        ],
    )


def _json_dumps(value: Any) -> bytes:
    """JSON text of ``value`` by orjson; by json for what orjson refuses (integers past 64 bits)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value).encode()


class RowWriter:
    """Plain bulk inserts, without building a model instance per row.

    An import writes hundreds of thousands of rows; the ORM's per-value work in
    ``bulk_create`` costs more than the database. Ids are reserved up front
    (PostgreSQL: from the table's sequence; SQLite: past the largest id, which
    is safe because the import's transaction holds SQLite's single write lock),
    so replies and target claims know their parent's id before it is inserted.
    Rows go in with ``COPY`` on PostgreSQL and ``executemany`` on SQLite; the
    row triggers check every row either way. Values are adapted as Django's
    backends do it: times as UTC, JSON through the backend's adapter.
    """

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"no bulk import for the {self.vendor} database")
        self._empty_json = connection.ops.adapt_json_value({}, None)

    def datetime(self, value: Timestamp | None) -> Any:
        if value is None:
            return None
        if type(value) is str:  # a UTC time as an export writes it (rows.Timestamp)
            if self.vendor == "postgresql":
                return value  # COPY parses it
            # Django's SQLite backend stores naive UTC text: "YYYY-MM-DD HH:MM:SS[.ffffff]".
            return value[:10] + " " + value[11:].removesuffix("Z").removesuffix("+00:00")
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if self.vendor == "postgresql":
            return value
        # Django's SQLite backend stores naive UTC text: str() of the naive time.
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value.isoformat(" ")[:-6]  # less the "+00:00"

    def json(self, value: dict[str, Any] | None) -> Any:
        if not value:
            return self._empty_json
        # Encoded as Django's JSONField would (json.dumps, no custom encoder), but by orjson:
        # a tweet's 2 kB of meta took json 60-85 us and orjson 5-25 (bench/import_pheme.py).
        if self.vendor == "postgresql":
            return Jsonb(value, dumps=_json_dumps)
        return _json_dumps(value).decode()

    def new_ids(self, model: type[Model], count: int) -> Sequence[int]:
        """``count`` ids for new rows of ``model``, reserved for this transaction."""
        if count == 0:
            return []
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # The sequence's name once: looking it up in every row's nextval() cost
                # more than the nextval() itself.
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
                (sequence,) = cursor.fetchone()
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
                )
                return [row[0] for row in cursor.fetchall()]
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT max({qn(pk)}) FROM {qn(table)}")
            (largest,) = cursor.fetchone()
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
            start = max(largest or 0, seq[0] if seq else 0) + 1
            return range(start, start + count)

    def insert(
        self, model: type[Model], fields: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert ``rows``, each the values of ``fields`` (model field names) in that order."""
        if not rows:
            return
        qn = connection.ops.quote_name
        # get_fields() and Field.concrete are the documented _meta API.
        column = {
            f.name: str(f.column)
            for f in model._meta.get_fields()
            if isinstance(f, Field) and f.concrete
        }
        columns = ", ".join(qn(column[name]) for name in fields)
        table = qn(model._meta.db_table)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
