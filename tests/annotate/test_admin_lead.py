"""The admin for a lead: k-overlap assignment (action and corpus page), unassigning, roles on
corpus and user pages, the claim filters, the import's orphan message."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from annotate.models import Assignment, CorpusGrant
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CorpusFactory,
    CorpusGrantFactory,
    UserFactory,
)

CHANGELIST = "admin:threads_article_changelist"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def annotators(corpus, alice, bob):
    for user in (alice, bob):
        CorpusGrantFactory(user=user, corpus=corpus, role="annotator")
    return [alice, bob]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def action(client, articles, **data):
    payload = {"action": "assign_to_annotators", "_selected_action": [a.pk for a in articles]}
    payload.update(data)
    return client.post(reverse(CHANGELIST), payload)


# --- The action on articles --------------------------------------------------------------------


def test_it_offers_only_the_corpus_annotators(admin_client, corpus, annotators, rita, admin_user):
    content = action(admin_client, [ArticleFactory(corpus=corpus)]).content.decode()
    assert "alice</option>" in content and "bob</option>" in content
    assert "rita</option>" not in content and "admin</option>" not in content


def test_it_assigns_k_of_the_chosen_annotators(admin_client, corpus, annotators):
    articles = ArticleFactory.create_batch(4, corpus=corpus)
    response = action(
        admin_client, articles, apply="1", annotators=[u.pk for u in annotators], k="1", seed="2"
    )
    assert response.status_code == 302
    assert Assignment.objects.count() == 4
    assert (
        sorted(Assignment.objects.values_list("annotator", flat=True)).count(annotators[0].pk) == 2
    )


def test_it_refuses_k_larger_than_the_chosen_annotators(admin_client, corpus, annotators):
    response = action(
        admin_client,
        [ArticleFactory(corpus=corpus)],
        apply="1",
        annotators=[annotators[0].pk],
        k="2",
    )
    assert response.status_code == 200
    assert "k = 2 is more than the 1 annotator chosen" in response.content.decode()
    assert not Assignment.objects.exists()


def test_it_refuses_a_seed_that_is_not_a_number(admin_client, corpus, annotators):
    response = action(
        admin_client,
        [ArticleFactory(corpus=corpus)],
        apply="1",
        annotators=[annotators[0].pk],
        seed="abc",
    )
    assert "The seed must be a whole number, not “abc”." in response.content.decode()
    assert not Assignment.objects.exists()


def test_it_refuses_a_user_without_the_annotator_role(admin_client, corpus, annotators, rita):
    response = action(
        admin_client, [ArticleFactory(corpus=corpus)], apply="1", annotators=[rita.pk]
    )
    assert response.context["form"].errors["annotators"]
    assert not Assignment.objects.exists()


def test_it_refuses_threads_of_two_corpora(admin_client, corpus, annotators):
    articles = [ArticleFactory(corpus=corpus), ArticleFactory(corpus=CorpusFactory())]
    response = action(admin_client, articles)
    assert response.status_code == 302
    assert "Choose threads of one corpus" in messages_of(response)[0]


# --- The corpus page ---------------------------------------------------------------------------


def test_it_links_the_assignment_from_the_corpus_page(admin_client, corpus):
    body = admin_client.get(reverse("admin:threads_corpus_change", args=[corpus.pk])).content
    assert reverse("admin:threads_corpus_assign", args=[corpus.pk]) in body.decode()


def test_it_assigns_every_unassigned_thread_from_the_corpus_page(admin_client, corpus, annotators):
    ArticleFactory.create_batch(3, corpus=corpus)
    taken = ArticleFactory(corpus=corpus)
    AssignmentFactory(annotator=UserFactory(), article=taken)
    response = admin_client.post(
        reverse("admin:threads_corpus_assign", args=[corpus.pk]),
        {"annotators": [u.pk for u in annotators], "k": "2", "seed": "1"},
    )
    assert response.status_code == 302
    assert "Created 6 assignments on 3 threads" in messages_of(response)[0]
    assert Assignment.objects.filter(article=taken).count() == 1


def test_it_says_how_many_threads_are_unassigned(admin_client, corpus, annotators):
    ArticleFactory.create_batch(3, corpus=corpus)
    body = admin_client.get(reverse("admin:threads_corpus_assign", args=[corpus.pk])).content
    assert "<strong>3</strong> threads" in body.decode()


# --- Unassigning -------------------------------------------------------------------------------


def test_it_says_the_labels_stay_when_unassigning(admin_client, thread, alice):
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    assignment = Assignment.objects.get(annotator=alice, article=thread["article"])
    response = admin_client.post(
        reverse("admin:annotate_assignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert "their 1 label on it are kept" in messages_of(response)[0]
    assert thread["article"].claims.count() == 1


def test_it_unassigns_many_through_the_service(admin_client, thread, alice, bob):
    response = admin_client.post(
        reverse("admin:annotate_assignment_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(Assignment.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Assignment.objects.exists()
    assert sum("they had no labels on it" in m for m in messages_of(response)) == 2


def test_it_refuses_a_new_assignment_to_a_user_without_the_annotator_role(
    admin_client, thread, charlie
):
    response = admin_client.post(
        reverse("admin:annotate_assignment_add"),
        {"annotator": charlie.pk, "article": thread["article"].pk, "status": "todo"},
    )
    assert response.status_code == 200
    assert "charlie has no annotator role" in response.content.decode()
    assert not Assignment.objects.filter(annotator=charlie).exists()


# --- Roles -------------------------------------------------------------------------------------


def test_it_shows_every_role_on_the_corpus_page(admin_client, corpus, annotators, victor, rita):
    body = admin_client.get(reverse("admin:threads_corpus_change", args=[corpus.pk])).content
    text = body.decode()
    assert "roles: annotators" in text.lower()
    for role in ("annotator", "reviewer", "researcher"):
        assert f'<option value="{role}" selected>' in text


def test_it_shows_a_users_roles_on_the_user_page(admin_client, corpus, victor):
    body = admin_client.get(reverse("admin:auth_user_change", args=[victor.pk])).content.decode()
    assert "roles per corpus" in body.lower()
    assert '<option value="reviewer" selected>' in body


def test_it_grants_a_role_from_the_user_page_inline(admin_client, corpus, charlie):
    CorpusGrant.objects.create(user=charlie, corpus=corpus, role="annotator")
    body = admin_client.get(
        reverse("admin:auth_user_changelist"), {"corpus_grants__role": "annotator"}
    )
    assert [u.username for u in body.context["cl"].result_list] == ["charlie"]


# --- Filters and messages ----------------------------------------------------------------------


def test_it_titles_the_claim_filters_by_kind(admin_client, thread):
    body = admin_client.get(reverse("admin:annotate_claim_changelist")).content.decode()
    assert "By stance" in body and "By claim type" in body and "By name" not in body


def test_it_offers_only_stances_in_the_stance_filter(admin_client, thread):
    body = admin_client.get(reverse("admin:annotate_claim_changelist")).content.decode()
    for name in ("support", "oppose", "neutral"):
        assert f"?stance__name={name}" in body
    for other in ("claim", "thesis", "deny"):
        assert f"?stance__name={other}" not in body


def test_it_titles_the_reply_label_filter(admin_client, thread):
    body = admin_client.get(reverse("admin:annotate_replylabel_changelist")).content.decode()
    assert "By reply label" in body and "By name" not in body
