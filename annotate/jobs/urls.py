"""The job pages (included by ``annotate/urls.py`` under the ``annotate:`` namespace)."""

from django.urls import path

from annotate.jobs import views

urlpatterns = [
    path("jobs/<int:job_id>/", views.job_page, name="job"),
    path("jobs/<int:job_id>/retry/", views.job_retry_view, name="job-retry"),
    path("jobs/<int:job_id>/discard/", views.job_discard_view, name="job-discard"),
]
