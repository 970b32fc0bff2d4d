"""The project's URLs plus a stand-in ``annotate:review-home`` (built in the review workspace):
the dashboard and the top bar link to it by name, whenever it exists."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from annotate import urls as annotate_urls


def review_home(request):
    return HttpResponse("review home")


names = {getattr(p, "name", None) for p in annotate_urls.urlpatterns}
extra = [] if "review-home" in names else [path("review/", review_home, name="review-home")]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("annotate.api.urls")),
    path("", include(([*annotate_urls.urlpatterns, *extra], "annotate"))),
]
