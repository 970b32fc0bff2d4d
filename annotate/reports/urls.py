"""Report pages (included by ``annotate/urls.py`` under the ``annotate:`` namespace)."""

from django.urls import path

from annotate.reports import views

urlpatterns = [
    path("corpora/<slug:slug>/agreement/", views.agreement, name="agreement"),
]
