"""The profile page: a signed-in user's API token, and a button to replace it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from annotate.services.tokens import token_get, token_regenerate


# The page shows the token: no browser or proxy may keep a copy (Cache-Control: no-store).
@never_cache
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # LoginRequiredMiddleware: only signed-in users
    if request.method == "POST":
        token_regenerate(user=request.user)
        messages.success(request, "New API token made; the old one no longer works.")
        return redirect("annotate:profile")
    token = token_get(user=request.user)
    api_url = request.build_absolute_uri("/api/v1/")
    return render(request, "annotate/profile.html", {"token": token, "api_url": api_url})
