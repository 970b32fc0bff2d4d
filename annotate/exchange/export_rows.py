"""Export, reading side: a corpus out of the database as plain thread records.

:func:`corpus_threads` reads the corpus in chunks of articles, a constant
number of queries a chunk, and yields one :class:`ThreadRecord` at a time, so
memory stays flat whatever the size of the corpus. The rows come from raw SQL
(:class:`_ExportQueries`): on an export every comment and claim passes through,
and the ORM's per-value converters cost more than the database does. Claim ids
are local to the thread (1..n, in a fixed order), so exporting, importing into
an empty corpus and exporting again gives the same file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Field, Model

from annotate.models import Claim, LabelValue, Relation, ReplyLabel
from threads.formats.records import CommentRecord, ThreadRecord
from threads.models import Article, Comment, Corpus

_EXPORT_CHUNK = 200  # articles per export chunk
_FETCH_CHUNK = 2000  # rows fetched at a time from an export query


def pseudonym(*, corpus: Corpus, name: str) -> str:
    """A stable stand-in for a commenter's name, for sharing: the same name, the same pseudonym.

    Salted per corpus, so pseudonyms cannot be matched across corpora or found
    by hashing a list of likely names. An empty name stays empty.
    """
    return _salted_pseudonym(corpus.pseudonym_salt, name)


def _salted_pseudonym(salt: str, name: str) -> str:
    if not name:
        return ""
    return "anon-" + hashlib.sha256((salt + name).encode("utf-8")).hexdigest()[:12]


def corpus_threads(
    *, corpus: Corpus, pseudonymise: bool = False, chunk_size: int = _EXPORT_CHUNK
) -> Iterator[ThreadRecord]:
    """Every thread of ``corpus`` as a :class:`ThreadRecord`, labels included, in article order.

    Reads ``chunk_size`` articles at a time, and for each chunk their comments
    (display order), claims, relations and reply labels with one query each, merged in
    Python; rows come through server-side cursors (PostgreSQL) in batches, so
    one thread at a time is held. Claim ids are local: 1..n over the thread's
    annotations, then its gold, in the order (annotator, position of the text,
    start, end, created_at, database id). ``stance_target`` is the schema
    value's name or ``{"claim": <local id>}``; a claim's ``relations`` are
    ``[{"type", "claim": <local id>}]`` in the order of those ids (then types), gold ones with
    ``settled_by`` and ``source``, and ``attributes`` its object. With ``pseudonymise``, article
    and comment authors become stable pseudonyms (annotator usernames are
    kept: they are the labels' provenance).
    """
    label_names = dict(LabelValue.objects.filter(corpus=corpus).values_list("pk", "name"))
    salt = corpus.pseudonym_salt
    queries = _ExportQueries()
    to_json, to_datetime = queries.to_json, datetime.fromisoformat

    def author_of(name: str) -> str:
        if not pseudonymise or not name:
            return name
        return _salted_pseudonym(salt, name)

    last_pk = 0
    while True:
        articles = list(
            Article.objects.filter(corpus=corpus, pk__gt=last_pk)
            .order_by("pk")
            .values_list(
                "pk", "external_id", "title", "body", "author", "url", "published_at", "meta"
            )[:chunk_size]
        )
        if not articles:
            return
        last_pk = articles[-1][0]
        pks = [a[0] for a in articles]
        comments, claims = queries.comments(pks), queries.claims(pks)
        relations, labels = queries.relations(pks), queries.reply_labels(pks)
        for pk, external_id, title, body, author, url, published_at, meta in articles:
            external: dict[int, str] = {}
            position: dict[int, int] = {}
            records: list[CommentRecord] = []
            append = records.append
            for (
                _,
                c_pk,
                parent_pk,
                c_ext,
                c_author,
                text,
                posted_at,
                c_meta,
                depth,
            ) in comments.take(pk):
                position[c_pk] = len(records)
                external[c_pk] = c_ext
                append(
                    CommentRecord(
                        c_ext,
                        None if parent_pk is None else external[parent_pk],
                        text,
                        author_of(c_author) if pseudonymise else c_author,
                        None if posted_at is None else to_datetime(posted_at),
                        to_json(c_meta),
                        depth,
                    )
                )
            sections: dict[bool, dict[str, list[dict[str, Any]]]] = {
                False: {"claims": [], "reply_labels": []},
                True: {"claims": [], "reply_labels": []},
            }
            thread_claims = claims.take(pk)
            if thread_claims:
                # (gold, annotator, the text's display position with the article
                # body first, start, end, created_at, id): created_at before the id
                # keeps the order through an import, which inserts claims in target
                # order rather than file order. Sorted here rather than by the
                # database: no collation to agree on, and a server-side sort of a
                # chunk's claims costs PostgreSQL more than this costs Python.
                at = position.get
                thread_claims.sort(
                    key=lambda c: (c[12], c[3], at(c[2], -1), c[4], c[5], c[13], c[1])
                )
                local = {c[1]: n for n, c in enumerate(thread_claims, start=1)}
                related = _relations_by_claim(relations.take(pk), local, label_names)
                out = {False: sections[False]["claims"], True: sections[True]["claims"]}
                for (
                    _,
                    k_pk,
                    k_comment,
                    annotator,
                    start,
                    end,
                    quote,
                    claim_type,
                    stance,
                    target_label,
                    target_claim,
                    note,
                    is_gold,
                    created_at,
                    updated_at,
                    source,
                    attributes,
                ) in thread_claims:
                    claim = {
                        "id": local[k_pk],
                        "annotator": annotator,
                        "comment_id": None if k_comment is None else external[k_comment],
                        "start": start,
                        "end": end,
                        "text": quote,
                        "claim_type": label_names[claim_type],
                        "stance": label_names[stance],
                        "stance_target": label_names[target_label]
                        if target_label is not None
                        else {"claim": local[target_claim]},
                        "note": note,
                        "created_at": created_at,
                        "updated_at": updated_at,
                    }
                    if k_pk in related:
                        claim["relations"] = related[k_pk]
                    if attributes and attributes != "{}":
                        claim["attributes"] = to_json(attributes)
                    if is_gold:  # who settled it (the gold claim's annotator), and from whom
                        claim["settled_by"], claim["source"] = annotator, source
                    out[bool(is_gold)].append(claim)
            else:
                relations.take(pk)  # none without claims; keeps the reader in step
            # (gold, annotator, the comment's display position, toward): parent before root.
            for lbl in sorted(labels.take(pk), key=lambda r: (r[5], r[2], position[r[1]], r[4])):
                label = {
                    "annotator": lbl[2],
                    "comment_id": external[lbl[1]],
                    "label": label_names[lbl[3]],
                    "toward": lbl[4],
                }
                if lbl[5]:
                    label["settled_by"], label["source"] = lbl[2], lbl[6]
                sections[bool(lbl[5])]["reply_labels"].append(label)
            yield ThreadRecord(
                id=external_id,
                title=title,
                body=body,
                author=author_of(author),
                url=url,
                created_at=published_at,
                meta=meta,
                comments=records,
                annotations=sections[False],
                gold=sections[True],
            )


def _relations_by_claim(
    rows: list[tuple[Any, ...]], local: dict[int, int], label_names: dict[int, str]
) -> dict[int, list[dict[str, Any]]]:
    """A thread's relations as its claims carry them, by claim (database id): the other claim
    by its local id, in the order of those ids then type names; gold ones with their
    ``settled_by`` and ``source``."""
    by_claim: dict[int, list[dict[str, Any]]] = {}
    for _, from_pk, to_pk, type_id, is_gold, settled_by, source in rows:
        relation: dict[str, Any] = {"type": label_names[type_id], "claim": local[to_pk]}
        if is_gold:
            relation["settled_by"], relation["source"] = settled_by, source
        by_claim.setdefault(from_pk, []).append(relation)
    for relations in by_claim.values():
        relations.sort(key=lambda r: (r["claim"], r["type"]))
    return by_claim


class _ExportQueries:
    """The four per-chunk export queries, as plain SQL read through (server-side) cursors.

    An export reads every comment and claim of the corpus; the ORM's per-value
    converters cost more than the database does, so rows are read raw. Times
    come as the text ``datetime.isoformat()`` writes for a UTC time, made by
    the database ("2026-01-02T03:04:05.123456+00:00", no fraction when it is
    zero): claims keep it as it is, comments parse it (one C call, where the
    drivers' own time parsing runs Python code per value). JSON arrives as text
    or decoded, depending on the driver.
    """

    def __init__(self) -> None:
        qn = connection.ops.quote_name

        if connection.vendor == "sqlite":

            def iso(column: str) -> str:
                # Django's SQLite backend stores naive UTC times as
                # "YYYY-MM-DD HH:MM:SS[.ffffff]" (the fraction only when not zero).
                return f"REPLACE(CAST({column} AS TEXT), ' ', 'T') || '+00:00'"

        else:

            def iso(column: str) -> str:
                # Six digits of fraction always, then none when they are all zero.
                fmt = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'
                return f"REPLACE(to_char({column} AT TIME ZONE 'UTC', '{fmt}'), '.000000+', '+')"

        def columns(model: type[Model], alias: str, *names: str) -> str:
            # get_fields() and Field.concrete are the documented _meta API.
            fields = {
                f.name: f for f in model._meta.get_fields() if isinstance(f, Field) and f.concrete
            }
            out = []
            for name in names:
                sql = f"{alias}.{qn(str(fields[name].column))}"
                if fields[name].get_internal_type() == "DateTimeField":
                    sql = iso(sql)
                out.append(sql)
            return ", ".join(out)

        user = get_user_model()._meta
        username = f"u.{qn(user.get_field('username').column)}"
        users = f"JOIN {qn(user.db_table)} u ON u.{qn(user.pk.column)} = "
        # A gold label's source: the annotator it was accepted from (null when drawn, and for
        # every annotator's own label).
        source_name = f"s.{qn(user.get_field('username').column)}"
        sources = f"LEFT JOIN {qn(user.db_table)} s ON s.{qn(user.pk.column)} = "
        self._comments = (
            f"SELECT {columns(Comment, 'c', 'article', 'id', 'parent', 'external_id', 'author')}, "
            f"{columns(Comment, 'c', 'text', 'posted_at', 'meta', 'depth')} "
            f"FROM {qn(Comment._meta.db_table)} c WHERE c.{qn('article_id')} IN ({{}}) "
            f"ORDER BY c.{qn('article_id')}, c.{qn('position')}"
        )
        self._claims = (
            f"SELECT {columns(Claim, 'k', 'article', 'id', 'comment')}, {username}, "
            f"{columns(Claim, 'k', 'start', 'end', 'quote', 'claim_type', 'stance')}, "
            f"{columns(Claim, 'k', 'stance_target', 'target_claim', 'note', 'is_gold')}, "
            f"{columns(Claim, 'k', 'created_at', 'updated_at')}, {source_name}, "
            f"{columns(Claim, 'k', 'attributes')} "
            f"FROM {qn(Claim._meta.db_table)} k {users}k.{qn('annotator_id')} "
            f"{sources}k.{qn('source_id')} "
            f"WHERE k.{qn('article_id')} IN ({{}}) ORDER BY k.{qn('article_id')}"
        )
        self._relations = (
            f"SELECT {columns(Relation, 'r', 'article', 'from_claim', 'to_claim', 'type')}, "
            f"{columns(Relation, 'r', 'is_gold')}, {username}, {source_name} "
            f"FROM {qn(Relation._meta.db_table)} r {users}r.{qn('annotator_id')} "
            f"{sources}r.{qn('source_id')} "
            f"WHERE r.{qn('article_id')} IN ({{}}) ORDER BY r.{qn('article_id')}"
        )
        self._labels = (
            f"SELECT {columns(ReplyLabel, 'r', 'article', 'comment')}, {username}, "
            f"{columns(ReplyLabel, 'r', 'label', 'toward', 'is_gold')}, {source_name} "
            f"FROM {qn(ReplyLabel._meta.db_table)} r {users}r.{qn('annotator_id')} "
            f"{sources}r.{qn('source_id')} "
            f"WHERE r.{qn('article_id')} IN ({{}}) ORDER BY r.{qn('article_id')}"
        )

    @staticmethod
    def to_json(value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, str):
            return {} if value == "{}" else json.loads(value)
        return value

    def comments(self, pks: list[int]) -> _RowsByArticle:
        return _RowsByArticle(_fetched(self._comments, pks))

    def claims(self, pks: list[int]) -> _RowsByArticle:
        return _RowsByArticle(_fetched(self._claims, pks))

    def relations(self, pks: list[int]) -> _RowsByArticle:
        return _RowsByArticle(_fetched(self._relations, pks))

    def reply_labels(self, pks: list[int]) -> _RowsByArticle:
        return _RowsByArticle(_fetched(self._labels, pks))


def _fetched(sql: str, pks: list[int]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``sql`` for the articles ``pks`` in batches (server-side on PostgreSQL)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql.format(", ".join(["%s"] * len(pks))), pks)
        while rows := cursor.fetchmany(_FETCH_CHUNK):
            yield rows


class _RowsByArticle:
    """Rows sorted by their first column (an article id), handed out one article at a time.

    Works on the fetched batches themselves: slicing a batch costs less than
    stepping a generator row by row, and an export steps through every row.
    """

    def __init__(self, batches: Iterator[list[tuple[Any, ...]]]) -> None:
        self._batches = batches
        self._batch: list[tuple[Any, ...]] = next(batches, [])
        self._index = 0

    def take(self, article_id: int) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        while self._batch:
            batch, start = self._batch, self._index
            end, size = start, len(batch)
            while end < size and batch[end][0] == article_id:
                end += 1
            out.extend(batch[start:end])
            if end < size:
                self._index = end
                return out
            self._batch, self._index = next(self._batches, []), 0
        return out
