"""The annotator's pages: the dashboard, the thread page and its htmx fragments, the profile."""
