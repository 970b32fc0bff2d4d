"""The annotation admin: label schema and grants, assignments, labels, history (the import
upload: test_admin_import.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from annotate.models import (
    AnnotationEvent,
    Assignment,
    CorpusGrant,
    LabelKind,
    LabelValue,
)
from annotate.services.claims import claim_create
from annotate.services.reply_labels import reply_label_set
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    ReplyLabelFactory,
    UserFactory,
    label,
)
from threads.models import Corpus


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The cast's accounts are created with set_password: PBKDF2 costs seconds per test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def change_form_data(response) -> dict[str, Any]:
    """The POST a browser would send back from an admin change page, unchanged."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def schema_prefix(response) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is LabelValue:
            return inline.formset.prefix
    raise AssertionError("no label schema inline")


def schema_form_index(response, value: LabelValue) -> int:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is LabelValue:
            for i, form in enumerate(inline.formset.forms):
                if form.instance.pk == value.pk:
                    return i
    raise AssertionError(f"{value} not in the schema inline")


def corpus_url(corpus: Corpus) -> str:
    return reverse("admin:threads_corpus_change", args=[corpus.pk])


# --- Corpus: schema and grants -----------------------------------------------------------------


def test_it_creates_a_new_corpus_with_the_default_schema(admin_client, db):
    response = admin_client.get(reverse("admin:threads_corpus_add"))
    data = change_form_data(response)
    data.update({"slug": "fresh", "title": "Fresh corpus"})
    response = admin_client.post(reverse("admin:threads_corpus_add"), data)
    assert response.status_code == 302
    corpus = Corpus.objects.get(slug="fresh")
    assert LabelValue.objects.filter(corpus=corpus, kind=LabelKind.REPLY_LABEL).count() == 4


@pytest.mark.parametrize("claims", [0, 25])
def test_it_shows_the_schema_in_bounded_queries(
    admin_client, corpus, article, django_assert_max_num_queries, claims
):
    for _ in range(claims):
        ClaimFactory(article=article)
    with django_assert_max_num_queries(14):
        response = admin_client.get(corpus_url(corpus))
    assert response.status_code == 200
    assert "label schema" in response.content.decode().lower()


def test_it_marks_the_values_in_use(admin_client, corpus, article):
    ClaimFactory(article=article)
    content = admin_client.get(corpus_url(corpus)).content.decode()
    assert content.count("in use: retire it") == 3  # claim, support, thesis


def test_it_deletes_an_unused_label_value(admin_client, corpus):
    query = label(corpus, LabelKind.REPLY_LABEL, "query")
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    data[f"{schema_prefix(response)}-{schema_form_index(response, query)}-DELETE"] = "on"
    response = admin_client.post(corpus_url(corpus), data)
    assert response.status_code == 302
    assert not LabelValue.objects.filter(pk=query.pk).exists()


def test_it_refuses_to_delete_a_label_value_in_use(admin_client, corpus, article):
    support = label(corpus, LabelKind.STANCE, "support")
    ClaimFactory(article=article)
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    data[f"{schema_prefix(response)}-{schema_form_index(response, support)}-DELETE"] = "on"
    response = admin_client.post(corpus_url(corpus), data)
    assert response.status_code == 200
    assert "is used by existing labels: it cannot be deleted" in response.content.decode()
    assert LabelValue.objects.filter(pk=support.pk).exists()


def test_it_refuses_to_delete_a_reply_label_in_use(admin_client, corpus, thread):
    support = label(corpus, LabelKind.REPLY_LABEL, "support")
    ReplyLabelFactory(comment=thread["c1"])
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    data[f"{schema_prefix(response)}-{schema_form_index(response, support)}-DELETE"] = "on"
    response = admin_client.post(corpus_url(corpus), data)
    assert response.status_code == 200
    assert LabelValue.objects.filter(pk=support.pk).exists()


def test_it_retires_a_label_value_in_use(admin_client, corpus, article):
    support = label(corpus, LabelKind.STANCE, "support")
    ClaimFactory(article=article)
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    data[f"{schema_prefix(response)}-{schema_form_index(response, support)}-retired"] = "on"
    response = admin_client.post(corpus_url(corpus), data)
    assert response.status_code == 302
    assert LabelValue.objects.get(pk=support.pk).retired


def test_it_still_shows_retired_values(admin_client, corpus):
    LabelValue.objects.filter(corpus=corpus, name="neutral").update(retired=True)
    response = admin_client.get(corpus_url(corpus))
    neutral = label(corpus, LabelKind.STANCE, "neutral")
    assert schema_form_index(response, neutral) >= 0


def test_it_refuses_to_change_the_kind_of_a_value_in_use(admin_client, corpus, article):
    support = label(corpus, LabelKind.STANCE, "support")
    ClaimFactory(article=article)
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    data[f"{schema_prefix(response)}-{schema_form_index(response, support)}-kind"] = "claim_type"
    response = admin_client.post(corpus_url(corpus), data)
    assert "its kind cannot be changed" in response.content.decode()
    assert LabelValue.objects.get(pk=support.pk).kind == LabelKind.STANCE


def test_it_grants_a_reviewer_from_the_corpus_page(admin_client, corpus, charlie):
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    prefix = next(
        i.formset.prefix
        for i in response.context["inline_admin_formsets"]
        if i.formset.model is CorpusGrant
    )
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-user": str(charlie.pk),
            f"{prefix}-0-role": "reviewer",
        }
    )
    response = admin_client.post(corpus_url(corpus), data)
    assert response.status_code == 302
    assert CorpusGrant.objects.filter(user=charlie, corpus=corpus, role="reviewer").exists()


# --- Bulk assignment ---------------------------------------------------------------------------


def test_it_asks_whom_to_assign_the_selected_threads_to(admin_client, corpus, alice):
    CorpusGrant.objects.create(user=alice, corpus=corpus, role="annotator")
    articles = [ArticleFactory(corpus=corpus) for _ in range(2)]
    response = admin_client.post(
        reverse("admin:threads_article_changelist"),
        {"action": "assign_to_annotators", "_selected_action": [a.pk for a in articles]},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "these 2 threads" in content
    assert f'<option value="{alice.pk}">alice</option>' in content
    assert not Assignment.objects.exists()


def test_it_assigns_the_selected_threads_to_each_annotator(admin_client, corpus, alice, bob):
    for user in (alice, bob):
        CorpusGrant.objects.create(user=user, corpus=corpus, role="annotator")
    articles = [ArticleFactory(corpus=corpus) for _ in range(3)]
    AssignmentFactory(annotator=alice, article=articles[0], status="done")
    response = admin_client.post(
        reverse("admin:threads_article_changelist"),
        {
            "action": "assign_to_annotators",
            "_selected_action": [a.pk for a in articles],
            "apply": "1",
            "annotators": [alice.pk, bob.pk],
            "seed": "7",
        },
    )
    assert response.status_code == 302
    assert messages_of(response) == [
        "Created 5 assignments on 3 threads (0 already had enough annotators): "
        "alice 2, bob 3; seed 7."
    ]
    assert Assignment.objects.count() == 6
    assert Assignment.objects.get(annotator=alice, article=articles[0]).status == "done"


def test_it_asks_again_when_no_annotator_is_chosen(admin_client, corpus):
    article = ArticleFactory(corpus=corpus)
    response = admin_client.post(
        reverse("admin:threads_article_changelist"),
        {"action": "assign_to_annotators", "_selected_action": [article.pk], "apply": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Assignment.objects.exists()


# --- Assignments, claims, reply labels, events -------------------------------------------------


def make_labels(n: int) -> None:
    """n threads, each with a comment, a claim and a reply label by a new annotator, and events."""
    corpus = CorpusFactory()
    for i in range(n):
        annotator = UserFactory(username=f"annotator{i}")
        article = ArticleFactory(corpus=corpus, body="Body text here.")
        comment = CommentFactory(article=article, text="Comment text.")
        AssignmentFactory(annotator=annotator, article=article)
        claim_create(
            annotator=annotator,
            article=article,
            comment=comment,
            start=0,
            end=7,
            quote="Comment",
            claim_type=label(corpus, LabelKind.CLAIM_TYPE, "claim"),
            stance=label(corpus, LabelKind.STANCE, "oppose"),
            stance_target=label(corpus, LabelKind.STANCE_TARGET, "thesis"),
        )
        reply_label_set(
            annotator=annotator,
            comment=comment,
            label=label(corpus, LabelKind.REPLY_LABEL, "deny"),
        )


@pytest.mark.parametrize("size", [2, 25])
@pytest.mark.parametrize(
    "name",
    [
        "admin:annotate_assignment_changelist",
        "admin:annotate_claim_changelist",
        "admin:annotate_replylabel_changelist",
        "admin:annotate_annotationevent_changelist",
    ],
)
def test_it_lists_annotation_rows_in_bounded_queries(
    admin_client, django_assert_max_num_queries, size, name
):
    make_labels(size)
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse(name))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= size


def test_it_filters_claims_by_stance_and_gold(admin_client, thread):
    ClaimFactory(article=thread["article"], quote="Thesis")
    response = admin_client.get(
        reverse("admin:annotate_claim_changelist"), {"stance__name": "oppose"}
    )
    assert response.context["cl"].result_count == 0
    response = admin_client.get(
        reverse("admin:annotate_claim_changelist"), {"stance__name": "support", "is_gold": "0"}
    )
    assert response.context["cl"].result_count == 1


def test_it_searches_claims_by_annotator(admin_client, thread, alice, bob):
    ClaimFactory(article=thread["article"], annotator=alice)
    ClaimFactory(article=thread["article"], annotator=bob)
    response = admin_client.get(reverse("admin:annotate_claim_changelist"), {"q": "alice"})
    assert response.context["cl"].result_count == 1


def test_it_shows_a_claim_read_only(admin_client, thread):
    claim = ClaimFactory(article=thread["article"])
    url = reverse("admin:annotate_claim_change", args=[claim.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert admin_client.post(url, {"quote": "Other"}).status_code == 403
    url = reverse("admin:annotate_claim_delete", args=[claim.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403


def test_it_links_a_claim_to_its_history(admin_client, thread, alice):
    make_labels(1)
    claim = claim_create(
        annotator=alice,
        article=thread["article"],
        comment=None,
        start=0,
        end=6,
        quote="Thesis",
        claim_type=label(thread["article"].corpus, LabelKind.CLAIM_TYPE, "claim"),
        stance=label(thread["article"].corpus, LabelKind.STANCE, "support"),
        stance_target=label(thread["article"].corpus, LabelKind.STANCE_TARGET, "thesis"),
    )
    content = admin_client.get(
        reverse("admin:annotate_claim_change", args=[claim.pk])
    ).content.decode()
    history = f"?object_type=claim&amp;object_id={claim.pk}"
    assert history in content
    response = admin_client.get(
        reverse("admin:annotate_annotationevent_changelist"),
        {"object_type": "claim", "object_id": claim.pk},
    )
    assert [e.object_id for e in response.context["cl"].result_list] == [claim.pk]


def test_it_shows_an_event_with_its_before_and_after(admin_client, thread, alice):
    event = AnnotationEvent.objects.create(
        actor=alice,
        action="update",
        object_type="claim",
        object_id=7,
        article_id=thread["article"].pk,
        before={"stance": "support"},
        after={"stance": "oppose <b>"},
    )
    response = admin_client.get(reverse("admin:annotate_annotationevent_change", args=[event.pk]))
    content = response.content.decode()
    assert "&quot;stance&quot;: &quot;oppose &lt;b&gt;&quot;" in content
    assert 'name="_save"' not in content


def test_it_refuses_to_change_or_delete_an_event(admin_client, thread, alice):
    event = AnnotationEvent.objects.create(
        actor=alice, action="create", object_type="claim", object_id=1, article_id=1
    )
    change = reverse("admin:annotate_annotationevent_change", args=[event.pk])
    delete = reverse("admin:annotate_annotationevent_delete", args=[event.pk])
    assert admin_client.post(change, {"action": "delete"}).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:annotate_annotationevent_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:annotate_annotationevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert AnnotationEvent.objects.filter(pk=event.pk).exists()
    assert response.status_code in (200, 302)


def test_it_filters_events_by_action_and_type(admin_client, thread, alice):
    for action, kind in [("create", "claim"), ("delete", "claim"), ("create", "reply_label")]:
        AnnotationEvent.objects.create(
            actor=alice, action=action, object_type=kind, object_id=1, article_id=1
        )
    response = admin_client.get(
        reverse("admin:annotate_annotationevent_changelist"),
        {"action__exact": "create", "object_type": "claim"},
    )
    assert response.context["cl"].result_count == 1


def test_it_changes_an_assignment_status_through_the_service(admin_client, thread, alice):
    assignment = Assignment.objects.get(annotator=alice)
    url = reverse("admin:annotate_assignment_change", args=[assignment.pk])
    response = admin_client.post(url, {"status": "done"})
    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).status == "done"


def test_it_keeps_the_admin_behind_sign_in(db):
    response = Client().get(reverse("admin:annotate_claim_changelist"))
    assert response.status_code == 302


def test_it_lists_the_annotators_of_a_thread_on_its_page(admin_client, thread):
    url = reverse("admin:threads_article_change", args=[thread["article"].pk])
    content = admin_client.get(url).content.decode()
    assert "assigned annotators" in content.lower()
    assert "alice" in content and "bob" in content
