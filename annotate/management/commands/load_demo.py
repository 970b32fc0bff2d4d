"""``python manage.py load_demo``: the example corpus and a demo user for each role.

Idempotent: threads already imported stay as they are, users that exist keep
their passwords, and nothing anyone labelled is touched. Passwords are random,
printed once when the users are created and kept in ``var/demo-users.txt``
(readable by its owner only).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token

from annotate.exchange import threads_import
from annotate.models import Assignment, Claim, CorpusGrant, GrantRole, LabelKind, LabelValue
from annotate.services.claims import claim_create
from annotate.services.corpora import corpus_create
from annotate.services.grants import corpus_grant_add
from annotate.services.relations import relation_create
from annotate.services.reply_labels import reply_label_set
from threads.formats.records import FormatError
from threads.models import Article, Comment, Corpus

SLUG = "demo"
TITLE = "Demo: Russia–Israel thread"
GUIDELINES = """\
# How to annotate this corpus

Read the whole article first, then the comments from the top. Work one text at a
time: the article body, then each comment.

## Claims

- A **claim** is a statement the author puts forward as true, or a position they
  argue for: "Russia will not risk its position in Syria". Mark the shortest
  span that still says it, usually one clause or sentence.
- Leave out greetings, questions that claim nothing, quotes of another comment,
  and pure insults.
- Two separate statements in one sentence are two claims.

## Stance

For each claim choose its **stance** (support, oppose or neutral) toward a
**target**:

- **thesis**: the article's main claim (the alliance in the title);
- **parent**: the text the comment replies to (for a top-level comment, the article);
- **a claim**: a specific earlier claim up the reply chain (the article or a
  comment this one answers). Use this when the comment answers one point, not
  the whole text.

When in doubt between support and neutral, choose neutral, and say why in the note.

## Relations

A claim may also **support** or **attack** other claims of yours, in the same
text or up the reply chain (a premise supports its conclusion; a rebuttal
attacks the claim two posts up). Open the claim, pick the other claim and the
type under Relations, and save; a claim may have several.

## Reply labels

Label each comment once for how it answers its parent: **support** (agrees),
**deny** (contradicts), **query** (asks for evidence or detail) or **comment**
(takes no side).
"""

# (username, role as the table shows it)
DEMO_USERS = (
    ("admin", "admin (superuser)"),
    ("alice", "annotator"),
    ("bob", "annotator"),
    ("rita", "researcher"),
    ("victor", "reviewer"),
)


class Command(BaseCommand):
    help = (
        "Load the example corpus (every file in examples/) as corpus 'demo' and create the "
        "demo users admin, alice, bob (annotators), rita (researcher) and victor (reviewer). "
        "Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--examples",
            type=Path,
            default=Path(settings.BASE_DIR) / "examples",
            help="folder of thread files to import (default: examples/)",
        )
        parser.add_argument(
            "--users-file",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "demo-users.txt",
            help="where the new users' passwords are kept (default: var/demo-users.txt)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = sorted(p for p in Path(options["examples"]).iterdir() if not p.name.startswith("."))
        if not files:
            raise CommandError(f"no example files in {options['examples']}")
        try:
            with transaction.atomic():
                corpus = Corpus.objects.filter(slug=SLUG).first()
                if corpus is None:
                    corpus = corpus_create(slug=SLUG, title=TITLE, guidelines=GUIDELINES)
                summary = threads_import(corpus_slug=SLUG, paths=files)
                created, token = self._users(corpus)
                labelled = _demo_labels(corpus)
        except FormatError as exc:
            raise CommandError(str(exc)) from exc

        # The import's own summary counts annotator accounts a labelled file brings ("0 new
        # users"), which read oddly just before the demo users' table: say what matters here.
        self.stdout.write(
            f"Demo corpus “{SLUG}”: {summary.threads} thread(s) imported, "
            f"{summary.threads_existing} already there, {summary.comments} comments."
        )
        if labelled:
            self.stdout.write(
                f"Gave {' and '.join(labelled)} a few claims and reply labels on the demo thread "
                "(they partly disagree: victor has a thread to review)."
            )
        users_file: Path = options["users_file"]
        if created:
            table = _table(created, token)
            self._save(users_file, table, fresh=len(created) == len(DEMO_USERS))
            self.stdout.write(
                "Demo users (passwords are shown once; they are also in "
                f"{users_file}, readable by you only):\n{table}"
            )
        else:
            where = f"in {users_file}" if users_file.exists() else "where they were first printed"
            self.stdout.write(f"The demo users already exist; their passwords are {where}.")

    def _users(self, corpus: Corpus) -> tuple[list[tuple[str, str, str]], str]:
        """Create the missing demo users; return (username, role, password) of each new one."""
        User = get_user_model()
        existing = set(
            User.objects.filter(username__in=[u for u, _ in DEMO_USERS]).values_list(
                "username", flat=True
            )
        )
        created = []
        users = {}
        for username, role in DEMO_USERS:
            if username in existing:
                users[username] = User.objects.get(username=username)
                continue
            password = secrets.token_urlsafe(9)
            if username == "admin":
                user = User.objects.create_superuser(username, f"{username}@example.org", password)
            else:
                user = User.objects.create_user(username, f"{username}@example.org", password)
            users[username] = user
            created.append((username, role, password))

        articles = list(Article.objects.filter(corpus=corpus))
        for username in ("alice", "bob"):
            corpus_grant_add(corpus=corpus, user=users[username], role=GrantRole.ANNOTATOR)
            for article in articles:
                Assignment.objects.get_or_create(annotator=users[username], article=article)
        CorpusGrant.objects.get_or_create(
            user=users["rita"], corpus=corpus, role=GrantRole.RESEARCHER
        )
        CorpusGrant.objects.get_or_create(
            user=users["victor"], corpus=corpus, role=GrantRole.REVIEWER
        )
        token, _ = Token.objects.get_or_create(user=users["rita"])
        return created, token.key

    def _save(self, path: Path, table: str, *, fresh: bool) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if fresh else os.O_APPEND)
        fd = os.open(path, flags, 0o600)
        os.fchmod(fd, 0o600)  # also when the file was already there
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(table + "\n")


# The demo labels: (text, which sentence of it, stance, target) per annotator; alice and bob
# agree on some and not on others, so the reviewer has disagreements to settle.
_DEMO_CLAIMS: dict[str, list[tuple[str | None, int, str, str]]] = {
    "alice": [
        (None, 0, "support", "thesis"),
        ("c1", 0, "oppose", "parent"),
        ("c2", 0, "support", "parent"),
        ("c3", 0, "neutral", "thesis"),
    ],
    "bob": [
        (None, 0, "neutral", "thesis"),
        ("c1", 0, "oppose", "parent"),
        ("c2", 1, "support", "parent"),
        ("c4", 0, "oppose", "thesis"),
    ],
}
# (text of the claim, relation type, text of the other claim): each annotator's claim there.
_DEMO_RELATIONS: dict[str, list[tuple[str, str, str | None]]] = {
    "alice": [("c1", "attack", None)],
    "bob": [("c1", "attack", None), ("c2", "support", None)],
}
_DEMO_REPLY_LABELS: dict[str, list[tuple[str, str]]] = {
    "alice": [("c1", "deny"), ("c2", "support"), ("c3", "query"), ("c4", "comment")],
    "bob": [("c1", "deny"), ("c2", "comment"), ("c3", "query"), ("c5", "support")],
}


def _sentence(text: str, index: int) -> tuple[int, int]:
    """Code point offsets of the ``index``-th sentence of ``text`` (the last one if fewer)."""
    spans = []
    start = len(text) - len(text.lstrip())
    for end in range(start, len(text)):
        if text[end] in ".?!" and (end + 1 == len(text) or text[end + 1].isspace()):
            spans.append((start, end + 1))
            start = end + 1
            while start < len(text) and text[start].isspace():
                start += 1
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return spans[min(index, len(spans) - 1)]


def _demo_labels(corpus: Corpus) -> list[str]:
    """Give alice and bob their demo labels on the first demo thread, through the services
    (history and all); someone who already labelled it is left alone. Returns who got them."""
    article = Article.objects.filter(corpus=corpus).order_by("pk").first()
    if article is None:
        return []
    User = get_user_model()
    values = {(v.kind, v.name): v for v in LabelValue.objects.filter(corpus=corpus)}
    comments = {c.external_id: c for c in Comment.objects.filter(article=article)}
    labelled = []
    for username, claims in _DEMO_CLAIMS.items():
        user = User.objects.get(username=username)
        if Claim.objects.filter(annotator=user, article=article).exists():
            continue
        made = {}
        for ext, sentence, stance, target in claims:
            comment = comments.get(ext) if ext else None
            if ext and comment is None:
                continue
            text = comment.text if comment is not None else article.body
            start, end = _sentence(text, sentence)
            made[ext] = claim_create(
                annotator=user,
                article=article,
                comment=comment,
                start=start,
                end=end,
                quote=text[start:end],
                claim_type=values[(LabelKind.CLAIM_TYPE, "claim")],
                stance=values[(LabelKind.STANCE, stance)],
                stance_target=values[(LabelKind.STANCE_TARGET, target)],
            )
        for ext, kind, other in _DEMO_RELATIONS[username]:
            if ext in made and other in made:
                relation_create(
                    annotator=user,
                    from_claim_id=made[ext].pk,
                    to_claim_id=made[other].pk,
                    type=values[(LabelKind.RELATION, kind)],
                )
        for ext, name in _DEMO_REPLY_LABELS[username]:
            if ext in comments:
                reply_label_set(
                    annotator=user,
                    comment=comments[ext],
                    label=values[(LabelKind.REPLY_LABEL, name)],
                )
        labelled.append(username)
    return labelled


def _table(rows: list[tuple[str, str, str]], token: str) -> str:
    lines = [("user", "role", "password")] + rows
    widths = [max(len(row[i]) for row in lines) for i in range(3)]
    text = [
        "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in lines
    ]
    if any(row[0] == "rita" for row in rows):
        text.append(f"  rita's API token: {token}")
    return "\n".join(line.rstrip() for line in text)
