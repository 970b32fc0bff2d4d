"""The profile page: a signed-in user's API token, and a button to replace it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


@transaction.atomic
def token_regenerate(*, user: User) -> Token:
    """Give ``user`` a new API token; the old one (if any) stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # LoginRequiredMiddleware: only signed-in users
    if request.method == "POST":
        token_regenerate(user=request.user)
        messages.success(request, "New API token made; the old one no longer works.")
        return redirect("annotate:profile")
    token = Token.objects.filter(user=request.user).first()
    api_url = request.build_absolute_uri("/api/v1/")
    return render(request, "annotate/profile.html", {"token": token, "api_url": api_url})
