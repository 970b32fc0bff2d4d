"""The reviewer's pages (included by ``annotate/urls.py`` under the ``annotate:`` namespace)."""

from django.urls import path

from annotate.review import gold_form, views

urlpatterns = [
    path("review/", views.home, name="review-home"),
    path("review/next/", views.open_next, name="review-next"),
    path("review/threads/<int:article_id>/", views.thread, name="review-thread"),
    path("review/threads/<int:article_id>/accept/", views.claim_accept, name="review-accept"),
    path(
        "review/threads/<int:article_id>/accept-all/",
        views.claims_accept_all,
        name="review-accept-all",
    ),
    path(
        "review/threads/<int:article_id>/reply/accept/",
        views.reply_accept,
        name="review-reply-accept",
    ),
    path(
        "review/threads/<int:article_id>/reply/majority/",
        views.reply_majority,
        name="review-reply-majority",
    ),
    path("review/threads/<int:article_id>/status/", views.status, name="review-status"),
    path("review/threads/<int:article_id>/gold/new/", gold_form.gold_new, name="review-gold-new"),
    path("review/threads/<int:article_id>/gold/", gold_form.gold_create, name="review-gold-create"),
    path(
        "review/threads/<int:article_id>/gold/<int:claim_id>/",
        gold_form.gold_edit,
        name="review-gold-edit",
    ),
    path(
        "review/threads/<int:article_id>/gold/<int:claim_id>/update/",
        gold_form.gold_update,
        name="review-gold-update",
    ),
    path(
        "review/threads/<int:article_id>/gold/<int:claim_id>/delete/",
        gold_form.gold_delete,
        name="review-gold-delete",
    ),
    path(
        "review/threads/<int:article_id>/gold/relations/<int:relation_id>/delete/",
        gold_form.gold_relation_delete,
        name="review-gold-relation-delete",
    ),
]
