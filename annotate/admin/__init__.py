"""Admin for the annotation side, and the annotation parts of the thread admin.

Django's autodiscovery imports this package; each module registers its own admins:
:mod:`.corpora` (label schema, grants, import upload), :mod:`.assignments` (assignments and
the bulk assign action) and :mod:`.labels` (claims, reply labels, history, read-only).
"""

from annotate.admin import assignments, corpora, labels

__all__ = ["assignments", "corpora", "labels"]
