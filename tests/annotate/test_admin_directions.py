"""The corpus admin's reply-label directions: which directions a corpus labels, edited with the
rest of its schema, through the same service as the import."""

from __future__ import annotations

import pytest

from annotate.models import ReplyLabelScope
from annotate.selectors.schema import reply_directions_get
from annotate.services.corpora import reply_directions_set
from tests.annotate.test_admin import change_form_data, corpus_url
from tests.factories import ReplyLabelFactory
from threads.models import Corpus


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def scope_prefix(response) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is ReplyLabelScope:
            return str(inline.formset.prefix)
    raise AssertionError("no reply-label directions inline")


def directions_of(corpus: Corpus) -> tuple[str, ...]:
    return reply_directions_get(corpus=Corpus.objects.get(pk=corpus.pk))


def test_it_shows_the_directions_on_the_corpus_page(admin_client, corpus):
    response = admin_client.get(corpus_url(corpus))
    assert "toward the article" in response.content.decode().lower()
    assert scope_prefix(response)


def test_it_turns_on_the_direction_toward_the_article(admin_client, corpus):
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    data[f"{scope_prefix(response)}-0-toward_root"] = "on"

    response = admin_client.post(corpus_url(corpus), data)

    assert response.status_code == 302
    assert directions_of(corpus) == ("parent", "root")


def test_it_leaves_the_directions_alone_when_they_are_not_changed(admin_client, corpus):
    response = admin_client.post(
        corpus_url(corpus), change_form_data(admin_client.get(corpus_url(corpus)))
    )
    assert response.status_code == 302
    assert not ReplyLabelScope.objects.exists()


def test_it_refuses_to_label_no_direction(admin_client, corpus):
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    data.pop(f"{scope_prefix(response)}-0-toward_parent")

    response = admin_client.post(corpus_url(corpus), data)

    assert response.status_code == 200
    assert "Reply labels need a direction" in response.content.decode()
    assert directions_of(corpus) == ("parent",)


def test_it_refuses_to_turn_off_a_direction_labels_are_given_in(admin_client, corpus, thread):
    reply_directions_set(corpus=corpus, directions=["parent", "root"])
    ReplyLabelFactory(comment=thread["c1"], toward="root")
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    data.pop(f"{scope_prefix(response)}-0-toward_root")

    response = admin_client.post(corpus_url(corpus), data)

    assert response.status_code == 200
    assert "given toward the article in this corpus" in response.content.decode()
    assert directions_of(corpus) == ("parent", "root")


def test_it_lists_reply_labels_with_their_direction(admin_client, corpus, thread):
    from django.urls import reverse

    ReplyLabelFactory(comment=thread["c1"], toward="root")
    url = reverse("admin:annotate_replylabel_changelist") + "?toward__exact=root"
    body = admin_client.get(url).content.decode()
    assert 'class="field-toward">toward the article<' in body
