"""The app's pages, one namespace (``annotate:``) for every capability's URLs."""

from annotate.review import urls as review_urls
from annotate.workspace import urls as workspace_urls

app_name = "annotate"

urlpatterns = [*workspace_urls.urlpatterns, *review_urls.urlpatterns]
