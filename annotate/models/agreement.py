"""Agreement figures kept per thread, so a corpus's figures are recomputed only where labels
changed (issue 10: 1,000 threads compute in seconds, but the API answers from what is kept)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from threads.models import Article


class AgreementFigures(models.Model):
    """One thread's agreement figures (``annotate.agreement.thread_figures``, plain JSON).

    Kept until a label of the thread changes: the services that change an annotator's label or
    an assignment's status delete the row, and the next read computes it again.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="agreement_figures"
    )
    figures = models.JSONField()
    # The thread's report rendered from ``figures``, kept too: rendering 1,000 of them took
    # 1.9 s of the 3 s a corpus report took from kept figures.
    report = models.JSONField()
    # Set by the service when it computes: a corpus's whole report is kept under the latest.
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "agreement figures"

    def __str__(self) -> str:
        return f"agreement figures of {self.article_id}"
