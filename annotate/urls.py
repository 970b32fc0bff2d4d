"""The app's pages, one namespace (``annotate:``) for every capability's URLs."""

from annotate.jobs import urls as job_urls
from annotate.progress import urls as progress_urls
from annotate.reports import urls as report_urls
from annotate.review import urls as review_urls
from annotate.workspace import urls as workspace_urls

app_name = "annotate"

urlpatterns = [
    *workspace_urls.urlpatterns,
    *progress_urls.urlpatterns,
    *report_urls.urlpatterns,
    *review_urls.urlpatterns,
    *job_urls.urlpatterns,
]
