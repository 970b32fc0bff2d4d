"""Relations on the thread page: listed under their claims ("supports #12"), made from the claim
form (pick a claim, pick a type; keys too), removed from it; blind, and in constant queries."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from annotate.models import LabelKind, Relation
from tests.annotate.bigthread import build_thread
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    RelationFactory,
    label,
)

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def claims(thread, alice):
    """alice's claims in the article, in c1 and in c3 (c1 > c2 > c3), and one in c4."""
    article = thread["article"]
    texts = {"article": None, "c1": thread["c1"], "c3": thread["c3"], "c4": thread["c4"]}
    return {
        key: ClaimFactory(annotator=alice, article=article, comment=comment)
        for key, comment in texts.items()
    }


def _edit_url(claim):
    return reverse("annotate:claim-edit", args=[claim.article_id, claim.pk])


def _update_url(claim):
    return reverse("annotate:claim-update", args=[claim.article_id, claim.pk])


def _labels(corpus, **extra):
    data = {
        "claim_type": label(corpus, LabelKind.CLAIM_TYPE, "claim").pk,
        "stance": label(corpus, LabelKind.STANCE, "oppose").pk,
        "target": f"v{label(corpus, LabelKind.STANCE_TARGET, 'thesis').pk}",
        "note": "",
        "relation_type": label(corpus, LabelKind.RELATION, "support").pk,
    }
    data.update(extra)
    return data


def test_it_lists_a_claims_relations_under_it(as_alice, thread, claims):
    RelationFactory(from_claim=claims["c3"], to_claim=claims["c1"])
    body = as_alice.get(reverse("annotate:thread", args=[thread["article"].pk])).content.decode()
    assert f'supports <a href="#claim-{claims["c1"].pk}">#{claims["c1"].pk}</a>' in body


def test_it_offers_the_claims_of_the_same_text_and_up_the_chain(as_alice, thread, alice, claims):
    same = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c3"])
    body = as_alice.get(_edit_url(claims["c3"]), **HX).content.decode()
    offered = {c.pk for c in claims.values() if f'name="relation_to" value="{c.pk}"' in body}
    assert offered == {claims["article"].pk, claims["c1"].pk}
    assert f'name="relation_to" value="{same.pk}"' in body


def test_it_never_offers_another_annotators_claim(as_alice, thread, bob, claims):
    theirs = ClaimFactory(annotator=bob, article=thread["article"])
    body = as_alice.get(_edit_url(claims["c3"]), **HX).content.decode()
    assert f'value="{theirs.pk}"' not in body


def test_it_offers_relations_in_the_form_for_a_new_claim(as_alice, thread, claims):
    c3 = thread["c3"]
    url = reverse("annotate:claim-new", args=[thread["article"].pk])
    body = as_alice.get(
        url, {"text": c3.pk, "start": 0, "end": 6, "quote": c3.text[:6]}, **HX
    ).content.decode()
    assert f'name="relation_to" value="{claims["c3"].pk}"' in body
    assert f'name="relation_to" value="{claims["c1"].pk}"' in body


def test_it_gives_the_first_nine_claims_a_key(as_alice, claims):
    body = as_alice.get(_edit_url(claims["c3"]), **HX).content.decode()
    assert 'name="relation_to" value="" data-key="0" checked' in body
    assert f'value="{claims["article"].pk}" data-key="1"' in body
    assert 'data-key="u"' in body and 'data-key="a"' in body  # support, attack


def test_it_relates_a_claim_from_its_form(as_alice, thread, claims, corpus):
    data = _labels(corpus, relation_to=claims["c1"].pk)
    response = as_alice.post(_update_url(claims["c3"]), data, **HX)
    assert response.status_code == 200
    assert f'supports <a href="#claim-{claims["c1"].pk}">' in response.content.decode()
    relation = Relation.objects.get()
    assert (relation.from_claim_id, relation.to_claim_id) == (claims["c3"].pk, claims["c1"].pk)


def test_it_relates_a_new_claim_as_it_saves_it(as_alice, thread, claims, corpus):
    c3 = thread["c3"]
    data = _labels(
        corpus,
        text=c3.pk,
        start=7,
        end=12,
        quote=c3.text[7:12],
        client_token=str(uuid.uuid4()),
        relation_to=claims["article"].pk,
        relation_type=label(corpus, LabelKind.RELATION, "attack").pk,
    )
    response = as_alice.post(reverse("annotate:claim-create", args=[c3.article_id]), data, **HX)
    assert response.status_code == 200
    relation = Relation.objects.get()
    assert (relation.from_claim.quote, relation.to_claim_id, relation.type.name) == (
        c3.text[7:12],
        claims["article"].pk,
        "attack",
    )


def test_it_saves_no_claim_when_its_relation_is_refused(as_alice, thread, claims, corpus):
    c1 = thread["c1"]
    data = _labels(
        corpus,
        text=c1.pk,
        start=7,
        end=12,
        quote=c1.text[7:12],
        client_token=str(uuid.uuid4()),
        relation_to=claims["c3"].pk,  # down the reply chain
    )
    response = as_alice.post(reverse("annotate:claim-create", args=[c1.article_id]), data, **HX)
    assert response.status_code == 422
    assert "up the reply chain" in response.content.decode()
    assert not claims["c3"].article.claims.filter(start=7).exists()


def test_it_refuses_a_relation_down_the_reply_chain(as_alice, claims, corpus):
    data = _labels(corpus, relation_to=claims["c3"].pk)
    response = as_alice.post(_update_url(claims["c1"]), data, **HX)
    assert response.status_code == 422
    assert "up the reply chain" in response.content.decode()
    assert not Relation.objects.exists()


def test_it_refuses_a_relation_to_another_annotators_claim(as_alice, thread, bob, claims, corpus):
    theirs = ClaimFactory(annotator=bob, article=thread["article"])
    data = _labels(corpus, relation_to=theirs.pk)
    response = as_alice.post(_update_url(claims["c1"]), data, **HX)
    assert response.status_code == 422
    assert "not one this claim can relate to" in response.content.decode()
    assert not Relation.objects.exists()


def test_it_asks_for_a_relation_type(as_alice, claims, corpus):
    data = _labels(corpus, relation_to=claims["c1"].pk, relation_type="")
    response = as_alice.post(_update_url(claims["c3"]), data, **HX)
    assert response.status_code == 422
    assert "Choose a relation type" in response.content.decode()


def test_the_form_lists_a_claims_relations_both_ways(as_alice, claims):
    RelationFactory(from_claim=claims["c3"], to_claim=claims["c1"])
    RelationFactory(from_claim=claims["c1"], to_claim=claims["article"])
    body = as_alice.get(_edit_url(claims["c1"]), **HX).content.decode()
    assert f"supports #{claims['article'].pk}</span>" in body
    assert f"#{claims['c3'].pk} supports this claim</span>" in body
    assert body.count("remove-rel") == 2


def test_it_removes_a_relation_from_the_form(as_alice, claims):
    relation = RelationFactory(from_claim=claims["c3"], to_claim=claims["c1"])
    url = reverse("annotate:relation-delete", args=[relation.article_id, relation.pk])
    response = as_alice.post(url, **HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#tb-{claims['c3'].comment_id}"
    assert "supports" not in response.content.decode()
    assert not Relation.objects.exists()


def test_it_removes_a_relation_and_goes_back_to_the_comment_without_htmx(as_alice, claims):
    relation = RelationFactory(from_claim=claims["c3"], to_claim=claims["c1"])
    url = reverse("annotate:relation-delete", args=[relation.article_id, relation.pk])
    response = as_alice.post(url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#c{claims['c3'].comment_id}")


def test_it_refuses_to_remove_someone_elses_relation(client, bob, claims):
    relation = RelationFactory(from_claim=claims["c3"], to_claim=claims["c1"])
    client.force_login(bob)
    url = reverse("annotate:relation-delete", args=[relation.article_id, relation.pk])
    assert client.post(url, **HX).status_code == 404
    assert Relation.objects.exists()


def test_it_says_when_a_relation_was_removed_already(as_alice, claims):
    relation = RelationFactory(from_claim=claims["c3"], to_claim=claims["c1"])
    url = reverse("annotate:relation-delete", args=[relation.article_id, relation.pk])
    as_alice.post(url, **HX)
    response = as_alice.post(url, **HX)
    assert response.status_code == 409
    assert "removed already" in response.content.decode()


def test_it_shows_the_edit_page_with_its_relations_without_htmx(as_alice, claims):
    RelationFactory(from_claim=claims["c3"], to_claim=claims["c1"])
    body = as_alice.get(_edit_url(claims["c3"])).content.decode()
    assert '<fieldset class="choices relations">' in body
    assert f"supports #{claims['c1'].pk}</span>" in body


def test_it_reads_a_big_thread_with_relations_in_as_many_queries_as_a_small_one(
    as_alice, alice, corpus, django_assert_max_num_queries
):
    pages = []
    for size in (10, 2000):
        article = ArticleFactory(corpus=corpus)
        build_thread(
            article=article, comments=size, claims=size // 4, annotator=alice, relations=True
        )
        AssignmentFactory(annotator=alice, article=article)
        pages.append(reverse("annotate:thread", args=[article.pk]))
    with django_assert_max_num_queries(9):
        small = as_alice.get(pages[0]).content.decode()
    with django_assert_max_num_queries(9):
        big = as_alice.get(pages[1]).content.decode()
    assert small.count('class="rel ') == 2 and big.count('class="rel ') == 25


def test_it_shows_a_claims_form_with_relations_in_constant_queries(
    as_alice, alice, claims, django_assert_max_num_queries
):
    for _ in range(5):
        RelationFactory(
            from_claim=ClaimFactory(annotator=alice, article=claims["c1"].article),
            to_claim=claims["article"],
        )
    with django_assert_max_num_queries(8):
        as_alice.get(_edit_url(claims["article"]), **HX)


def test_it_relates_a_claim_in_constant_queries(
    as_alice, claims, corpus, django_assert_max_num_queries
):
    data = _labels(corpus, relation_to=claims["c1"].pk)
    # 17 for the update; the other claim locked, a level of the reply chain read (c3's parent's
    # parent), the insert in its savepoint, its history entry.
    with django_assert_max_num_queries(24):
        as_alice.post(_update_url(claims["c3"]), data, **HX)
