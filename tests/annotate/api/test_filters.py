"""The claim and reply-label lists: their JSON and their filters."""

from __future__ import annotations

import datetime as dt

import pytest

from annotate.models import Claim, LabelKind, LabelValue
from tests.annotate.api.clients import client_for, ids
from tests.factories import ClaimFactory, label

pytestmark = pytest.mark.django_db


def claim_ids(labelled, *names):
    return {labelled["claims"][n].pk for n in names}


def get(user, url):
    response = client_for(user).get(url)
    assert response.status_code == 200, response.content
    return response


def test_it_shows_a_claim_with_every_field(labelled, rita):
    claim = labelled["claims"]["a_c1"]
    response = get(rita, f"/api/v1/claims/?thread={labelled['article'].pk}&annotator=alice")
    row = next(r for r in response.json()["results"] if r["id"] == claim.pk)
    assert row == {
        "id": claim.pk,
        "thread": labelled["article"].pk,
        "comment_id": labelled["c1"].pk,
        "comment_external_id": "c1",
        "annotator": "alice",
        "start": claim.start,
        "end": claim.end,
        "text": claim.quote,
        "claim_type": "claim",
        "stance": "support",
        "stance_target": "thesis",
        "note": "",
        "relations": [],
        "attributes": {},
        "gold": False,
        "settled_by": None,
        "source": None,
        "created_at": claim.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": claim.updated_at.isoformat().replace("+00:00", "Z"),
    }


def test_it_shows_an_article_body_claim_with_no_comment(labelled, rita):
    claim = labelled["claims"]["a_body"]
    rows = get(rita, "/api/v1/claims/").json()["results"]
    row = next(r for r in rows if r["id"] == claim.pk)
    assert (row["comment_id"], row["comment_external_id"]) == (None, None)


def test_it_shows_a_claim_to_claim_target_as_the_target_id(labelled, rita):
    claim = labelled["claims"]["a_c2"]
    rows = get(rita, "/api/v1/claims/").json()["results"]
    row = next(r for r in rows if r["id"] == claim.pk)
    assert row["stance_target"] == {"claim": labelled["claims"]["a_c1"].pk}


def test_it_shows_a_reply_label_with_every_field(labelled, rita):
    rl = labelled["reply_labels"]["b"]
    rows = get(rita, "/api/v1/reply-labels/?annotator=bob").json()["results"]
    assert rows == [
        {
            "id": rl.pk,
            "thread": labelled["article"].pk,
            "comment_id": labelled["c2"].pk,
            "comment_external_id": "c2",
            "annotator": "bob",
            "label": "deny",
            "toward": "parent",
            "gold": False,
            "settled_by": None,
            "source": None,
            "created_at": rl.created_at.isoformat().replace("+00:00", "Z"),
            "updated_at": rl.updated_at.isoformat().replace("+00:00", "Z"),
        }
    ]


def test_it_filters_claims_by_corpus(labelled, admin_user):
    response = get(admin_user, "/api/v1/claims/?corpus=other")
    assert ids(response) == claim_ids(labelled, "o_claim")


def test_it_filters_claims_by_thread(labelled, rita):
    response = get(rita, f"/api/v1/claims/?thread={labelled['unassigned'].pk}")
    assert ids(response) == claim_ids(labelled, "u_claim")


def test_it_filters_claims_by_annotator(labelled, rita):
    response = get(rita, "/api/v1/claims/?annotator=bob")
    assert ids(response) == claim_ids(labelled, "b_c1", "u_claim")


def test_it_filters_claims_by_stance(labelled, rita):
    response = get(rita, "/api/v1/claims/?stance=oppose")
    assert ids(response) == claim_ids(labelled, "a_c2")


def test_it_filters_claims_by_claim_type(labelled, rita):
    corpus = labelled["article"].corpus

    fact = LabelValue.objects.create(corpus=corpus, kind=LabelKind.CLAIM_TYPE, name="fact")
    Claim.objects.filter(pk=labelled["claims"]["b_c1"].pk).update(claim_type=fact)
    response = get(rita, "/api/v1/claims/?claim_type=fact")
    assert ids(response) == claim_ids(labelled, "b_c1")


@pytest.mark.parametrize("value", ["true", "1"])
def test_it_filters_gold_claims(labelled, rita, value):
    response = get(rita, f"/api/v1/claims/?gold={value}")
    assert ids(response) == claim_ids(labelled, "gold")


@pytest.mark.parametrize("value", ["false", "0"])
def test_it_filters_out_gold_claims(labelled, rita, value):
    response = get(rita, f"/api/v1/claims/?gold={value}")
    assert ids(response) == claim_ids(labelled, "a_body", "a_c1", "a_c2", "b_c1", "u_claim")


def test_it_filters_claims_updated_since_a_time(labelled, rita):
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    Claim.objects.filter(pk=labelled["claims"]["b_c1"].pk).update(updated_at=later)
    response = get(rita, "/api/v1/claims/?updated_since=2029-12-31T23:00:00Z")
    assert ids(response) == claim_ids(labelled, "b_c1")


def test_it_reads_an_updated_since_time_with_an_offset(labelled, rita):
    later = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
    Claim.objects.filter(pk=labelled["claims"]["b_c1"].pk).update(updated_at=later)
    response = get(rita, "/api/v1/claims/?updated_since=2030-01-01T13:30:00%2B02:00")
    assert ids(response) == claim_ids(labelled, "b_c1")


def test_it_combines_filters(labelled, rita):
    response = get(rita, "/api/v1/claims/?annotator=alice&stance=support&corpus=demo")
    assert ids(response) == claim_ids(labelled, "a_body", "a_c1")


def test_it_never_widens_what_a_user_may_read_through_a_filter(labelled, rita):
    response = get(rita, "/api/v1/claims/?corpus=other")
    assert ids(response) == set()


def test_it_keeps_an_annotator_to_their_own_claims_when_filtering_by_another(labelled, alice):
    response = get(alice, "/api/v1/claims/?annotator=bob")
    assert ids(response) == set()


def test_it_filters_reply_labels_by_label(labelled, rita):
    response = get(rita, "/api/v1/reply-labels/?label=deny")
    assert ids(response) == {labelled["reply_labels"]["b"].pk}


def test_it_filters_gold_reply_labels(labelled, rita):
    response = get(rita, "/api/v1/reply-labels/?gold=true")
    assert ids(response) == {labelled["reply_labels"]["gold"].pk}


def test_it_filters_reply_labels_by_thread_and_annotator(labelled, admin_user):
    url = f"/api/v1/reply-labels/?thread={labelled['o_article'].pk}&annotator=dave"
    assert ids(get(admin_user, url)) == {labelled["reply_labels"]["o"].pk}


def test_it_accepts_a_label_name_of_a_retired_value(labelled, rita):
    corpus = labelled["article"].corpus
    oppose = label(corpus, LabelKind.STANCE, "oppose")
    oppose.retired = True
    oppose.save()
    assert ids(get(rita, "/api/v1/claims/?stance=oppose")) == claim_ids(labelled, "a_c2")


def test_it_lists_a_claim_of_a_new_annotator(labelled, rita):
    extra = ClaimFactory(article=labelled["article"])
    assert extra.pk in ids(get(rita, f"/api/v1/claims/?annotator={extra.annotator.username}"))
