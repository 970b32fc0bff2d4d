"""Who may do what on a corpus: annotator, reviewer and researcher grants (admins are staff)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from threads.models import Corpus


class GrantRole(models.TextChoices):
    """Annotators label the threads assigned to them (only they are offered for assignments);
    reviewers see every label of the corpus and settle gold; researchers read the API."""

    ANNOTATOR = "annotator", "annotator"
    REVIEWER = "reviewer", "reviewer"
    RESEARCHER = "researcher", "researcher"


class CorpusGrant(models.Model):
    """Gives a user a role on one corpus (see :class:`GrantRole`); admins are staff users."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="corpus_grants"
    )
    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(max_length=20, choices=GrantRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "corpus", "role"], name="grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.corpus}"
