"""The REST API under /api/. Every view here is wrapped in ``login_not_required``:
DRF authenticates (token or session) inside the view, after the login middleware."""

app_name = "api"

urlpatterns: list = []
