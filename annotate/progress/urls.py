"""The progress view (included by ``annotate/urls.py`` under the ``annotate:`` namespace)."""

from django.urls import path

from annotate.progress import views

urlpatterns = [
    path("corpora/<slug:slug>/progress/", views.progress, name="progress"),
]
