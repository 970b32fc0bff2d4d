"""Annotator names of an import turned into account ids, the missing accounts created.

A labelled corpus brings labels by people who may have no account here yet:
they get one with an unusable password (an admin can set one later). Every new
name is checked as the user model checks usernames before any account is
created, and a bad one is a :class:`FormatError` naming the thread it is in.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from annotate.exchange.rows import CheckedThread
from threads.formats.records import FormatError

# The longest username the user model stores.
_MAX_USERNAME = 150


class AnnotatorAccounts:
    """The account ids of one import's annotators, by username, gathered batch by batch."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.created = 0

    def resolve(self, threads: list[CheckedThread]) -> None:
        """Make :attr:`ids` hold every annotator of ``threads``."""
        User = get_user_model()
        wanted = {c.annotator for t in threads for c in t.claims}
        wanted.update(lbl.annotator for t in threads for lbl in t.reply_labels)
        # Gold labels name the annotator they were accepted from, too.
        wanted.update(c.source for t in threads for c in t.claims if c.source)
        wanted.update(lbl.source for t in threads for lbl in t.reply_labels if lbl.source)
        # Gold relations name who settled them and whence, as gold claims do.
        for relation in (r for t in threads for c in t.claims for r in c.relations):
            wanted.add(relation.annotator)
            if relation.source:
                wanted.add(relation.source)
        missing = wanted - self.ids.keys()
        if not missing:
            return
        self.ids.update(User.objects.filter(username__in=missing).values_list("username", "pk"))
        new = sorted(missing - self.ids.keys())
        validator = User.username_validator
        for username in new:
            try:
                validator(username)
                if len(username) > _MAX_USERNAME:
                    raise ValidationError(f"longer than {_MAX_USERNAME} characters")
            except ValidationError as exc:
                owner = next(
                    t
                    for t in threads
                    if any(username in (c.annotator, c.source) for c in t.claims)
                    or any(
                        username in (r.annotator, r.source) for c in t.claims for r in c.relations
                    )
                    or any(username in (lbl.annotator, lbl.source) for lbl in t.reply_labels)
                )
                raise FormatError(
                    f"thread {owner.record.id!r}: annotator {username!r} is not a valid "
                    f"username: {'; '.join(exc.messages)}",
                    file=owner.file,
                    line=owner.record.line,
                ) from None
        if new:
            users = User.objects.bulk_create(
                [User(username=u, password=make_password(None)) for u in new]
            )
            self.ids.update((u.get_username(), u.pk) for u in users)
            self.created += len(users)
