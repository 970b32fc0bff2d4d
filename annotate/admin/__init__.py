"""Admin for the annotation side, and the annotation parts of the thread admin.

Django's autodiscovery imports this package; each module registers its own admins:
:mod:`.corpora` (label schema, grants, import upload), :mod:`.assignments` (assignments and
the k-overlap assign action), :mod:`.jobs` (background jobs, read-only), :mod:`.labels`
(claims, reply labels, history, read-only) and :mod:`.roles` (grants on the user page).
"""

from annotate.admin import assignments, corpora, jobs, labels, roles

__all__ = ["assignments", "corpora", "jobs", "labels", "roles"]
