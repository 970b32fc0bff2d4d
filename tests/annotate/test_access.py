"""Blind annotation, enforced on the server: an annotator sees and changes only their own labels,
only on the threads assigned to them. Anything else is a 403/404 and changes nothing."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from annotate.models import AnnotationEvent, Assignment, Claim, LabelKind, ReplyLabel
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    ReplyLabelFactory,
    label,
)

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alices_claim(thread, alice):
    return ClaimFactory(
        annotator=alice, article=thread["article"], comment=thread["c1"], note="alice's secret"
    )


def _claim_data(thread, comment):
    corpus = thread["article"].corpus
    return {
        "text": str(comment.pk),
        "start": 0,
        "end": 5,
        "quote": comment.text[:5],
        "claim_type": label(corpus, LabelKind.CLAIM_TYPE, "claim").pk,
        "stance": label(corpus, LabelKind.STANCE, "oppose").pk,
        "target": f"v{label(corpus, LabelKind.STANCE_TARGET, 'thesis').pk}",
        "client_token": str(uuid.uuid4()),
    }


def _unchanged(claim):
    fresh = Claim.objects.get(pk=claim.pk)
    return (fresh.stance_id, fresh.note, fresh.start, fresh.end) == (
        claim.stance_id,
        claim.note,
        claim.start,
        claim.end,
    )


def test_it_shows_an_annotator_only_their_own_claims(client, thread, bob, alices_claim):
    client.force_login(bob)
    body = client.get(reverse("annotate:thread", args=[thread["article"].pk])).content.decode()
    assert "<mark" not in body
    assert f"claim-{alices_claim.pk}" not in body


def test_it_shows_an_annotator_only_their_own_reply_labels(client, thread, alice, bob):
    ReplyLabelFactory(annotator=alice, comment=thread["c2"])
    client.force_login(bob)
    body = client.get(reverse("annotate:thread", args=[thread["article"].pk])).content.decode()
    assert 'aria-pressed="true"' not in body


def test_it_does_not_count_another_annotators_labels_as_progress(client, thread, bob, alice):
    ReplyLabelFactory(annotator=alice, comment=thread["c2"])
    client.force_login(bob)
    body = client.get(reverse("annotate:thread", args=[thread["article"].pk])).content.decode()
    assert "0 / 4" in body


def test_it_hides_another_annotators_claim_from_the_edit_form(client, thread, bob, alices_claim):
    client.force_login(bob)
    url = reverse("annotate:claim-edit", args=[thread["article"].pk, alices_claim.pk])
    response = client.get(url, **HX)
    assert response.status_code == 404
    assert "alice's secret" not in response.content.decode()


def test_it_refuses_to_update_another_annotators_claim(client, thread, bob, alices_claim):
    client.force_login(bob)
    url = reverse("annotate:claim-update", args=[thread["article"].pk, alices_claim.pk])
    data = _claim_data(thread, thread["c1"])
    data["note"] = "bob was here"
    assert client.post(url, data, **HX).status_code == 404
    assert _unchanged(alices_claim)
    assert not AnnotationEvent.objects.exists()


def test_it_refuses_to_delete_another_annotators_claim(client, thread, bob, alices_claim):
    client.force_login(bob)
    url = reverse("annotate:claim-delete", args=[thread["article"].pk, alices_claim.pk])
    assert client.post(url, **HX).status_code == 404
    assert Claim.objects.filter(pk=alices_claim.pk).exists()


def test_it_refuses_another_annotators_claim_as_a_target(client, thread, bob, alices_claim):
    client.force_login(bob)
    data = _claim_data(thread, thread["c3"])
    data["target"] = f"c{alices_claim.pk}"
    url = reverse("annotate:claim-create", args=[thread["article"].pk])
    response = client.post(url, data, **HX)
    assert response.status_code == 422
    assert "alice's secret" not in response.content.decode()
    assert Claim.objects.count() == 1


def test_it_refuses_a_claim_of_one_thread_through_another(client, thread, alice, corpus):
    other = ArticleFactory(corpus=corpus)
    Assignment.objects.create(annotator=alice, article=other)
    mine = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    client.force_login(alice)
    url = reverse("annotate:claim-edit", args=[other.pk, mine.pk])
    assert client.get(url, **HX).status_code == 404


def test_it_hides_an_unassigned_thread(client, thread, charlie):
    client.force_login(charlie)
    url = reverse("annotate:thread", args=[thread["article"].pk])
    assert client.get(url).status_code == 404


def test_it_hides_an_unassigned_thread_from_a_reviewer_workspace(client, thread, victor):
    client.force_login(victor)
    url = reverse("annotate:thread", args=[thread["article"].pk])
    assert client.get(url).status_code == 404


def test_it_refuses_a_claim_on_an_unassigned_thread(client, thread, charlie):
    client.force_login(charlie)
    url = reverse("annotate:claim-create", args=[thread["article"].pk])
    response = client.post(url, _claim_data(thread, thread["c1"]), **HX)
    assert response.status_code == 404
    assert not Claim.objects.exists()


def test_it_refuses_the_claim_form_on_an_unassigned_thread(client, thread, charlie):
    client.force_login(charlie)
    url = reverse("annotate:claim-new", args=[thread["article"].pk])
    response = client.get(url, {"text": "a", "start": 0, "end": 3, "quote": "The"}, **HX)
    assert response.status_code == 404


def test_it_refuses_a_reply_label_on_an_unassigned_thread(client, thread, charlie, corpus):
    client.force_login(charlie)
    url = reverse("annotate:reply-label", args=[thread["article"].pk])
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    assert client.post(url, {"comment": thread["c2"].pk, "label": deny.pk}, **HX).status_code == 404
    assert not ReplyLabel.objects.exists()


def test_it_refuses_to_mark_an_unassigned_thread_done(client, thread, charlie):
    client.force_login(charlie)
    url = reverse("annotate:assignment-status", args=[thread["article"].pk])
    assert client.post(url, {"status": "done"}, **HX).status_code == 404
    assert not Assignment.objects.filter(status="done").exists()


def test_it_refuses_a_comment_of_another_thread_in_a_crafted_form(client, thread, alice, corpus):
    elsewhere = CommentFactory(article=ArticleFactory(corpus=corpus), text="Not yours here.")
    client.force_login(alice)
    url = reverse("annotate:claim-create", args=[thread["article"].pk])
    response = client.post(url, _claim_data(thread, elsewhere), **HX)
    assert response.status_code == 404
    assert not Claim.objects.exists()


def test_it_refuses_a_reply_label_on_a_comment_of_another_thread(client, thread, alice, corpus):
    elsewhere = CommentFactory(article=ArticleFactory(corpus=corpus))
    client.force_login(alice)
    url = reverse("annotate:reply-label", args=[thread["article"].pk])
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    assert client.post(url, {"comment": elsewhere.pk, "label": deny.pk}, **HX).status_code == 404
    assert not ReplyLabel.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"text": "a", "start": "x", "end": "3", "quote": "The"},
        {"text": "a", "start": "0"},
        {"text": "../1", "start": "0", "end": "3", "quote": "The"},
        {"text": "²", "start": "0", "end": "3", "quote": "The"},
        {"text": "9" * 30, "start": "0", "end": "3", "quote": "The"},
    ],
)
def test_it_refuses_a_malformed_claim_form(client, thread, alice, data):
    client.force_login(alice)
    url = reverse("annotate:claim-create", args=[thread["article"].pk])
    assert client.post(url, data, **HX).status_code in (400, 404)
    assert not Claim.objects.exists()


@pytest.mark.parametrize("comment", ["x", "²", "9" * 30])
def test_it_refuses_a_reply_label_for_a_malformed_comment_id(client, thread, alice, comment):
    client.force_login(alice)
    url = reverse("annotate:reply-label", args=[thread["article"].pk])
    assert client.post(url, {"comment": comment, "label": "1"}, **HX).status_code == 400
    assert not ReplyLabel.objects.exists()


def test_it_refuses_a_malformed_reply_label_form(client, thread, alice):
    client.force_login(alice)
    url = reverse("annotate:reply-label", args=[thread["article"].pk])
    assert (
        client.post(url, {"comment": thread["c2"].pk, "label": "999999"}, **HX).status_code == 400
    )
    assert not ReplyLabel.objects.exists()


def test_it_refuses_get_on_a_write_endpoint(client, thread, alice):
    client.force_login(alice)
    url = reverse("annotate:claim-create", args=[thread["article"].pk])
    assert client.get(url).status_code == 405


@pytest.mark.parametrize(
    ("name", "args"),
    [("annotate:home", []), ("annotate:thread", ["article"]), ("annotate:next", [])],
)
def test_it_sends_anonymous_visitors_to_sign_in(client, thread, name, args):
    url = reverse(name, args=[thread[a].pk for a in args])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_an_anonymous_claim(client, thread):
    url = reverse("annotate:claim-create", args=[thread["article"].pk])
    response = client.post(url, _claim_data(thread, thread["c1"]), **HX)
    assert response.status_code == 302
    assert not Claim.objects.exists()


def test_it_answers_404_not_400_to_a_malformed_claim_on_an_unassigned_thread(
    client, thread, charlie
):
    client.force_login(charlie)
    url = reverse("annotate:claim-create", args=[thread["article"].pk])
    data = {"text": str(thread["c1"].pk), "start": "x"}
    assert client.post(url, data, **HX).status_code == 404


def test_it_refuses_a_comment_of_another_assigned_thread_in_a_crafted_form(
    client, thread, alice, corpus
):
    other = ArticleFactory(corpus=corpus)
    Assignment.objects.create(annotator=alice, article=other)
    elsewhere = CommentFactory(article=other, text="Also assigned, other thread.")
    client.force_login(alice)
    url = reverse("annotate:claim-create", args=[thread["article"].pk])
    response = client.post(url, _claim_data(thread, elsewhere), **HX)
    assert response.status_code == 404
    assert not Claim.objects.exists()


# --- Who is signed in: the session (cached, written through to the database) and the user ----


def _thread_status(client, thread) -> int:
    return client.get(reverse("annotate:thread", args=[thread["article"].pk])).status_code


def test_it_reads_the_signed_in_user_from_the_session_cookie(client, thread, alice):
    client.force_login(alice)
    assert _thread_status(client, thread) == 200
    response = client.get(reverse("annotate:home"))
    assert response.context["user"] == alice
    assert response.context["user"].is_active and not response.context["user"].is_staff


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(client, thread, alice):
    from django.test import Client

    client.force_login(alice)
    copy = Client()
    copy.cookies["sessionid"] = client.cookies["sessionid"].value  # as a stolen copy would be
    assert _thread_status(copy, thread) == 200
    assert client.post(reverse("logout")).status_code == 302
    assert _thread_status(copy, thread) == 302


def test_an_expired_session_signs_nobody_in(client, thread, alice):
    from django.utils import timezone

    client.force_login(alice)
    session = client.session  # its copy in the cache and its row expire together
    session.set_expiry(timezone.now() - timezone.timedelta(seconds=1))
    session.save()
    assert _thread_status(client, thread) == 302


def test_an_unknown_session_key_signs_nobody_in(client, thread, password):
    client.cookies["sessionid"] = "x" * 32
    assert _thread_status(client, thread) == 302


def test_a_deactivated_annotator_is_signed_out(client, thread, alice):
    client.force_login(alice)
    alice.is_active = False
    alice.save()
    assert _thread_status(client, thread) == 302


def test_a_password_change_elsewhere_ends_the_session(client, thread, alice):
    client.force_login(alice)
    alice.set_password("another-password-1")
    alice.save()
    assert _thread_status(client, thread) == 302


def test_a_deleted_user_is_signed_out(client, thread, charlie):
    from django.contrib.auth.models import User

    client.force_login(charlie)
    User.objects.filter(username="charlie").delete()
    assert client.get(reverse("annotate:home")).status_code == 302
