"""Label schemas, claims, relations, reply labels, assignments, grants and history.

Constraints the database can hold are in ``Meta.constraints``; the ones that
span rows (a claim's comment is in the claim's article, a target claim has the
same annotator, article and gold flag, a label value is of the claim's corpus
and of the right kind, a relation's claims are its thread's and its annotator's
or both gold, a claim's attributes are an object of strings) are triggers,
literal SQL in
``annotate/migrations/0001_squashed_0007_trigger_checks_keep_their_plan.py``,
``0002_label_values_referenced_by_foreign_keys.py`` and
``0006_relations_attributes.py``. The rest (end within the
text, stored quote equals the text slice, target claim in an ancestor text,
a relation's other claim in the same or an ancestor text,
label values from the corpus schema and not retired) is checked by the services
before they write.
"""

from annotate.models.agreement import AgreementFigures
from annotate.models.assignments import Assignment, AssignmentStatus
from annotate.models.history import AnnotationEvent, EventAction
from annotate.models.jobs import Job, JobKind, JobState
from annotate.models.labels import Claim, Relation, ReplyLabel
from annotate.models.review import ReviewStatus, ThreadReview
from annotate.models.roles import CorpusGrant, GrantRole
from annotate.models.schema import (
    DEFAULT_DIRECTIONS,
    DEFAULT_SCHEMA,
    LabelKind,
    LabelValue,
    ReplyLabelScope,
    Toward,
)

__all__ = [
    "DEFAULT_DIRECTIONS",
    "DEFAULT_SCHEMA",
    "AgreementFigures",
    "AnnotationEvent",
    "Assignment",
    "AssignmentStatus",
    "Claim",
    "CorpusGrant",
    "EventAction",
    "GrantRole",
    "Job",
    "JobKind",
    "JobState",
    "LabelKind",
    "LabelValue",
    "Relation",
    "ReplyLabel",
    "ReplyLabelScope",
    "ReviewStatus",
    "ThreadReview",
    "Toward",
]
