"""The job page: a background job's progress, polled with htmx, then its summary or error,
with Retry (and Discard, for an import) when it failed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from annotate.selectors.jobs import get_job_for_user, job_status
from annotate.services.jobs import JobError, job_discard, job_retry


class JobRequest(HttpRequest):
    htmx: HtmxDetails  # django-htmx's middleware


@require_GET
@vary_on_headers("HX-Request")
def job_page(request: JobRequest, job_id: int) -> HttpResponse:
    """The job, for the admin who started it (any admin): the whole page, or its status
    fragment for the page's poll, which stops once the job has ended."""
    status = job_status(get_job_for_user(request.user, job_id))
    template = "annotate/jobs/job.html"
    if request.htmx:
        template += "#status"
    return render(request, template, {"status": status})


@require_POST
def job_retry_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """Run a failed job again, from its kept upload."""
    job = get_job_for_user(request.user, job_id)
    try:
        job_retry(job=job)
    except JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Job {job.pk} is queued again (attempt {job.attempt}).")
    return HttpResponseRedirect(reverse("annotate:job", args=[job_id]))


@require_POST
def job_discard_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """Give up a failed import: its upload is removed."""
    job = get_job_for_user(request.user, job_id)
    try:
        job_discard(job=job)
    except JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Job {job.pk} is discarded; its upload is removed.")
    return HttpResponseRedirect(reverse("annotate:job", args=[job_id]))
