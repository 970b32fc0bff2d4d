"""The admin for relations: relation types edited in the corpus's schema like every kind, and
relations shown read-only (their list, each claim's, and their history)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotate.models import LabelKind, LabelValue
from tests.annotate.test_admin import change_form_data, corpus_url, schema_form_index, schema_prefix
from tests.factories import ClaimFactory, RelationFactory, label

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def relation(thread, alice):
    article = thread["article"]
    up = ClaimFactory(annotator=alice, article=article)
    answer = ClaimFactory(annotator=alice, article=article, comment=thread["c1"])
    return RelationFactory(from_claim=answer, to_claim=up)


def test_the_schema_offers_relation_types_as_a_kind(admin_client, corpus):
    content = admin_client.get(corpus_url(corpus)).content.decode()
    assert '<option value="relation" selected>relation type</option>' in content


def test_it_adds_a_relation_type_in_the_schema(admin_client, corpus):
    response = admin_client.get(corpus_url(corpus))
    data = change_form_data(response)
    prefix = schema_prefix(response)
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = n + 1
    data.update(
        {
            f"{prefix}-{n}-kind": "relation",
            f"{prefix}-{n}-name": "rebut",
            f"{prefix}-{n}-key": "r",
            f"{prefix}-{n}-colour": "#aa3300",
            f"{prefix}-{n}-order": 12,
        }
    )
    response = admin_client.post(corpus_url(corpus), data)
    assert response.status_code == 302
    names = LabelValue.objects.filter(corpus=corpus, kind=LabelKind.RELATION).values_list(
        "name", flat=True
    )
    assert sorted(names) == ["attack", "rebut", "support"]


def test_it_marks_a_relation_type_in_use_and_keeps_it(admin_client, corpus, relation):
    support = label(corpus, LabelKind.RELATION, "support")
    response = admin_client.get(corpus_url(corpus))
    assert response.content.decode().count("in use: retire it") == 4  # and claim, support, thesis
    data = change_form_data(response)
    data[f"{schema_prefix(response)}-{schema_form_index(response, support)}-DELETE"] = "on"
    response = admin_client.post(corpus_url(corpus), data)
    assert "is used by existing labels: it cannot be deleted" in response.content.decode()
    assert LabelValue.objects.filter(pk=support.pk).exists()


def test_it_lists_relations_filtered_by_type(admin_client, relation):
    url = reverse("admin:annotate_relation_changelist")
    assert admin_client.get(url, {"type__name": "support"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"type__name": "attack"}).context["cl"].result_count == 0


def test_it_shows_a_relation_read_only_with_its_history_link(admin_client, relation):
    url = reverse("admin:annotate_relation_change", args=[relation.pk])
    content = admin_client.get(url).content.decode()
    assert 'name="_save"' not in content
    assert f"?object_type=relation&amp;object_id={relation.pk}" in content
    assert admin_client.post(url, {}).status_code == 403


def test_it_shows_a_claims_relations_and_attributes(admin_client, relation):
    claim = relation.from_claim
    claim.attributes = {"Confidence": "high"}
    claim.save()
    content = admin_client.get(
        reverse("admin:annotate_claim_change", args=[claim.pk])
    ).content.decode()
    assert f"support #{relation.to_claim_id}" in content
    assert "Confidence" in content
