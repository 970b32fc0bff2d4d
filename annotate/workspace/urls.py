"""The annotator's pages (included by ``annotate/urls.py`` under the ``annotate:`` namespace)."""

from django.urls import path

from annotate.workspace import claim_editor, profile, views

# The annotator's pages. The threads app has no pages of its own: admins work on
# threads in the Django admin, and researchers read them over the API.
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", profile.profile, name="profile"),
    path("next/", views.open_next, name="next"),
    path("threads/<int:article_id>/", views.thread, name="thread"),
    path("threads/<int:article_id>/comments/", views.comment_page, name="thread-comments"),
    path("threads/<int:article_id>/claims/new/", claim_editor.claim_new, name="claim-new"),
    path("threads/<int:article_id>/claims/", claim_editor.claim_create, name="claim-create"),
    path(
        "threads/<int:article_id>/claims/<int:claim_id>/",
        claim_editor.claim_edit,
        name="claim-edit",
    ),
    path(
        "threads/<int:article_id>/claims/<int:claim_id>/update/",
        claim_editor.claim_update,
        name="claim-update",
    ),
    path(
        "threads/<int:article_id>/claims/<int:claim_id>/delete/",
        claim_editor.claim_delete,
        name="claim-delete",
    ),
    path(
        "threads/<int:article_id>/claims/<int:claim_id>/restore/",
        claim_editor.claim_restore,
        name="claim-restore",
    ),
    path(
        "threads/<int:article_id>/relations/<int:relation_id>/delete/",
        claim_editor.relation_delete,
        name="relation-delete",
    ),
    path("threads/<int:article_id>/reply-label/", views.reply_label, name="reply-label"),
    path("threads/<int:article_id>/status/", views.assignment_status, name="assignment-status"),
]
