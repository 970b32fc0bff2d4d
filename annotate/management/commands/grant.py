"""``python manage.py grant SLUG USERNAME --role annotator|reviewer|researcher [--revoke]``:
give (or take) a role on a corpus, as the admin's grants do."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.models import GrantRole
from annotate.services.grants import corpus_grant_add, corpus_grant_revoke
from threads.models import Corpus


class Command(BaseCommand):
    help = (
        "Give USERNAME a role on corpus SLUG (annotator: may be assigned its threads; reviewer: "
        "sees every label and settles gold; researcher: reads it over the API), or take it "
        "away with --revoke."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("corpus", metavar="SLUG")
        parser.add_argument("username", metavar="USERNAME")
        parser.add_argument("--role", required=True, choices=GrantRole.values)
        parser.add_argument("--revoke", action="store_true", help="take the role away")

    def handle(self, *args: Any, **options: Any) -> None:
        corpus = Corpus.objects.filter(slug=options["corpus"]).first()
        if corpus is None:
            raise CommandError(f"No corpus “{options['corpus']}”.")
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named “{options['username']}”.")
        role, name = options["role"], user.get_username()
        if options["revoke"]:
            if corpus_grant_revoke(corpus=corpus, user=user, role=role):
                self.stdout.write(f"{name} is no longer {role} of {corpus.slug}.")
            else:
                self.stdout.write(f"{name} was not {role} of {corpus.slug}; nothing changed.")
        elif corpus_grant_add(corpus=corpus, user=user, role=role):
            self.stdout.write(f"{name} is now {role} of {corpus.slug}.")
        else:
            self.stdout.write(f"{name} was already {role} of {corpus.slug}; nothing changed.")
