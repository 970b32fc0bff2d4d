"""The REST API under /api/. Every view here is wrapped in ``login_not_required``:
DRF authenticates (token or session) inside the view, after the login middleware.

The schema needs an authenticated user too (token or session, checked by DRF);
the Swagger UI page is for people in a browser: signed-out visitors are sent
to the login page (``login_required``; DRF views are exempt from the login
middleware since DRF 3.15, the explicit ``login_not_required`` says so here).

The Swagger UI page is the split view: its start-up script is a second request to the same URL
(``?script=``), not inline, so the Content-Security-Policy needs no inline script; its template
(``templates/api/swagger_ui.html``) drops drf-spectacular's inline <style>. Swagger UI's own
stylesheet draws its icons as ``data:`` images, which this page alone allows.
"""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from annotate.api import agreement, errors, views

app_name = "api"

urlpatterns = [
    path(
        "v1/corpora/",
        login_not_required(views.CorpusListApi.as_view()),
        name="corpus-list",
    ),
    path(
        "v1/corpora/<slug:slug>/",
        login_not_required(views.CorpusDetailApi.as_view()),
        name="corpus-detail",
    ),
    path(
        "v1/corpora/<slug:slug>/threads/",
        login_not_required(views.CorpusThreadListApi.as_view()),
        name="corpus-thread-list",
    ),
    path(
        "v1/corpora/<slug:slug>/export/",
        login_not_required(views.CorpusExportApi.as_view()),
        name="corpus-export",
    ),
    path(
        "v1/corpora/<slug:slug>/agreement/",
        login_not_required(agreement.CorpusAgreementApi.as_view()),
        name="corpus-agreement",
    ),
    path(
        "v1/threads/<int:pk>/",
        login_not_required(views.ThreadDetailApi.as_view()),
        name="thread-detail",
    ),
    path("v1/claims/", login_not_required(views.ClaimListApi.as_view()), name="claim-list"),
    path(
        "v1/relations/",
        login_not_required(views.RelationListApi.as_view()),
        name="relation-list",
    ),
    path(
        "v1/reply-labels/",
        login_not_required(views.ReplyLabelListApi.as_view()),
        name="reply-label-list",
    ),
    path(
        "schema/",
        login_not_required(SpectacularJSONAPIView.as_view(permission_classes=[IsAuthenticated])),
        name="schema",
    ),
    path(
        "docs/",
        # DRF views skip the login middleware; people in a browser go to the login page.
        csp_update({"img-src": ["data:"]})(
            login_required(
                SpectacularSwaggerSplitView.as_view(
                    url_name="api:schema",
                    permission_classes=[IsAuthenticated],
                    template_name="api/swagger_ui.html",
                )
            )
        ),
        name="docs",
    ),
    # Anything else under /api/ ending in a slash: a JSON 404, not the site's HTML page.
    re_path(r"^(.*/)?$", login_not_required(errors.api_not_found), name="not-found"),
]
