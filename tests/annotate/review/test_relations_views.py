"""Relations on the review page: each annotator's under their claims, gold ones under the gold
claims; brought by an accept (and said so), drawn and removed from the gold claim's form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotate.models import LabelKind, Relation
from annotate.services import gold
from tests.factories import RelationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_victor(client, victor):
    client.force_login(victor)
    return client


@pytest.fixture
def related(labelled):
    """alice's claim on "First" (c1) supports hers on "Thesis" (the article)."""
    relation = RelationFactory(from_claim=labelled["a_first"], to_claim=labelled["a_thesis"])
    return {**labelled, "relation": relation}


def _accept(who, claim):
    return gold.gold_claim_accept(reviewer=who, claim_id=claim.pk, seen=gold.version_of(claim))


def _url(name, article, *args):
    return reverse(f"annotate:{name}", args=[article.pk, *args])


def test_it_shows_an_annotators_relation_in_their_lane(as_victor, related):
    body = as_victor.get(_url("review-thread", related["article"])).content.decode()
    thesis = related["a_thesis"].pk
    assert f'supports <a href="#rc-{thesis}">#{thesis}</a>' in body


def test_it_shows_a_gold_relation_under_its_gold_claim(as_victor, related, victor):
    thesis = _accept(victor, related["a_thesis"]).claim
    _accept(victor, related["a_first"])
    body = as_victor.get(_url("review-thread", related["article"])).content.decode()
    assert f'supports <a href="#claim-{thesis.pk}">#{thesis.pk}</a>' in body


def test_an_accept_says_which_relations_came_along(as_victor, related, victor):
    _accept(victor, related["a_thesis"])
    claim = related["a_first"]
    response = as_victor.post(
        _url("review-accept", related["article"]),
        {"claim": claim.pk, "seen": gold.version_of(claim)},
        **HTMX,
    )
    body = response.content.decode()
    assert "1 relation to claims in gold came along." in body
    assert "supports" in body


def test_a_reviewer_draws_a_gold_relation_from_the_gold_claims_form(as_victor, related, victor):
    thesis = _accept(victor, related["a_thesis"]).claim
    first = _accept(victor, related["a_first"]).claim
    Relation.objects.filter(is_gold=True).delete()
    corpus = related["article"].corpus
    data = {
        "claim_type": first.claim_type_id,
        "stance": first.stance_id,
        "target": f"v{first.stance_target_id}",
        "note": "",
        "version": gold.version_of(first),
        "relation_to": thesis.pk,
        "relation_type": related["value"](LabelKind.RELATION, "attack").pk,
    }
    response = as_victor.post(
        _url("review-gold-update", related["article"], first.pk), data, **HTMX
    )
    assert response.status_code == 200
    assert f'attacks <a href="#claim-{thesis.pk}">' in response.content.decode()
    relation = Relation.objects.get(is_gold=True)
    assert (relation.annotator_id, relation.source_id) == (victor.pk, None)
    assert corpus.pk == relation.type.corpus_id


def test_the_gold_claims_form_offers_gold_claims_only(as_victor, related, victor):
    thesis = _accept(victor, related["a_thesis"]).claim
    first = _accept(victor, related["a_first"]).claim
    body = as_victor.get(_url("review-gold-edit", related["article"], first.pk), **HTMX)
    body = body.content.decode()
    assert f'name="relation_to" value="{thesis.pk}"' in body
    assert f'name="relation_to" value="{related["a_thesis"].pk}"' not in body  # alice's
    assert f"supports #{thesis.pk}</span>" in body  # the gold relation accept brought


def test_a_reviewer_removes_a_gold_relation(as_victor, related, victor):
    _accept(victor, related["a_thesis"])
    first = _accept(victor, related["a_first"]).claim
    relation = Relation.objects.get(is_gold=True)
    response = as_victor.post(
        _url("review-gold-relation-delete", related["article"], relation.pk), **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#tb-{first.comment_id}"
    assert not Relation.objects.filter(is_gold=True).exists()


def test_removing_a_gold_relation_twice_says_so(as_victor, related, victor):
    _accept(victor, related["a_thesis"])
    _accept(victor, related["a_first"])
    relation = Relation.objects.get(is_gold=True)
    url = _url("review-gold-relation-delete", related["article"], relation.pk)
    as_victor.post(url, **HTMX)
    response = as_victor.post(url, **HTMX)
    assert response.status_code == 409
    assert "removed by victor" in response.content.decode()


def test_an_annotator_cannot_remove_a_gold_relation(client, alice, related, victor):
    _accept(victor, related["a_thesis"])
    _accept(victor, related["a_first"])
    relation = Relation.objects.get(is_gold=True)
    client.force_login(alice)
    url = _url("review-gold-relation-delete", related["article"], relation.pk)
    assert client.post(url, **HTMX).status_code == 404
    assert Relation.objects.filter(is_gold=True).exists()
