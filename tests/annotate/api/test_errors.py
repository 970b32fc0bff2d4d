"""Bad input gets a JSON answer a person can act on, never a 500."""

from __future__ import annotations

import base64

import pytest

from tests.annotate.api.clients import client_for

pytestmark = pytest.mark.django_db


def bad(user, url, status=400):
    response = client_for(user).get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_it_names_the_valid_stances_for_an_unknown_one(labelled, rita):
    body = bad(rita, "/api/v1/claims/?stance=nonsense")
    assert body["errors"]["stance"] == [
        "No stance named 'nonsense'. Valid: neutral, oppose, support."
    ]


def test_it_sums_up_the_bad_parameter_in_the_detail(labelled, rita):
    body = bad(rita, "/api/v1/claims/?stance=nonsense")
    assert body["detail"].startswith("Invalid parameters. stance: No stance named 'nonsense'.")


def test_it_names_the_valid_claim_types_for_an_unknown_one(labelled, rita):
    body = bad(rita, "/api/v1/claims/?claim_type=opinion")
    assert body["errors"]["claim_type"] == ["No claim type named 'opinion'. Valid: claim."]


def test_it_names_the_valid_reply_labels_for_an_unknown_one(labelled, rita):
    body = bad(rita, "/api/v1/reply-labels/?label=agree")
    assert "Valid: comment, deny, query, support." in body["errors"]["label"][0]


def test_it_tells_a_user_who_reads_no_corpus_why_no_label_name_is_valid(labelled, charlie):
    body = bad(charlie, "/api/v1/claims/?stance=support")
    assert "you cannot read any corpus" in body["errors"]["stance"][0]


def test_it_refuses_a_gold_value_that_is_not_a_boolean(labelled, rita):
    body = bad(rita, "/api/v1/claims/?gold=maybe")
    assert body["errors"]["gold"] == ["gold=maybe is not a boolean: use gold=true or gold=false."]


def test_it_refuses_a_thread_id_that_is_not_a_number(labelled, rita):
    body = bad(rita, "/api/v1/claims/?thread=abc")
    assert "whole number" in body["errors"]["thread"][0]


def test_it_refuses_a_thread_id_too_large_for_the_database(labelled, rita):
    body = bad(rita, f"/api/v1/claims/?thread={2**70}")
    assert "thread" in body["errors"]


def test_it_refuses_an_updated_since_that_is_not_a_time(labelled, rita):
    body = bad(rita, "/api/v1/claims/?updated_since=yesterday")
    assert "ISO 8601" in body["errors"]["updated_since"][0]


def test_it_refuses_an_updated_since_past_the_calendar(labelled, rita):
    body = bad(rita, "/api/v1/claims/?updated_since=0001-01-01T00:00:00%2B05:00")
    assert "ISO 8601" in body["errors"]["updated_since"][0]


def test_it_says_the_range_for_an_updated_since_past_the_calendar(labelled, rita):
    body = bad(rita, "/api/v1/claims/?updated_since=0001-01-01T00:00:00%2B05:00")
    assert "0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z" in body["errors"]["updated_since"][0]


def test_it_refuses_an_updated_since_with_an_offset_of_minus_23_59(labelled, rita):
    body = bad(rita, "/api/v1/claims/?updated_since=0001-01-01T00:00:00-23:59")
    assert "offset from -14:00 to +14:00" in body["errors"]["updated_since"][0]


def test_it_refuses_an_updated_since_with_an_offset_of_plus_23_59(labelled, rita):
    body = bad(rita, "/api/v1/reply-labels/?updated_since=9999-12-31T23:59:59%2B23:59")
    assert "offset from -14:00 to +14:00" in body["errors"]["updated_since"][0]


def test_it_reads_an_updated_since_with_the_widest_offset_in_use(labelled, rita):
    response = client_for(rita).get("/api/v1/claims/?updated_since=2001-01-01T00:00:00%2B14:00")
    assert response.status_code == 200


def test_it_refuses_a_null_character_in_a_filter(labelled, rita):
    body = bad(rita, "/api/v1/claims/?annotator=al%00ice")
    assert "annotator" in body["errors"]


def test_it_answers_a_malformed_cursor_with_a_400(labelled, rita):
    body = bad(rita, "/api/v1/claims/?cursor=not-a-cursor")
    assert "Invalid cursor" in body["detail"]


def test_it_answers_a_cursor_whose_position_is_not_an_id_with_a_400(labelled, rita):
    cursor = base64.b64encode(b"p=abc").decode()
    body = bad(rita, f"/api/v1/claims/?cursor={cursor}")
    assert "Invalid cursor" in body["detail"]


def test_it_answers_a_malformed_cursor_on_the_thread_list_with_a_400(labelled, rita):
    bad(rita, "/api/v1/corpora/demo/threads/?cursor=not-a-cursor")


def test_it_lists_the_accepted_export_formats_for_an_unknown_one(labelled, rita):
    body = bad(rita, "/api/v1/corpora/demo/export/?format=xml")
    assert body["errors"]["format"] == [
        "No export format 'xml'. Accepted: jsonl, csv, convokit, brat."
    ]


def test_it_refuses_a_pseudonymise_that_is_not_a_boolean(labelled, rita):
    body = bad(rita, "/api/v1/corpora/demo/export/?format=csv&pseudonymise=perhaps")
    assert "use 1 or 0" in body["errors"]["pseudonymise"][0]


def test_it_answers_an_unknown_path_under_the_api_with_json(labelled, rita):
    body = bad(rita, "/api/v1/nothing-here/", status=404)
    assert "/api/docs/" in body["detail"]


def test_it_answers_the_bare_api_root_with_json(labelled, rita):
    body = bad(rita, "/api/", status=404)
    assert "/api/docs/" in body["detail"]


def test_it_answers_a_negative_thread_id_with_json(labelled, rita):
    bad(rita, "/api/v1/threads/-1/", status=404)


def test_it_answers_a_thread_id_too_large_for_the_database_with_a_404(labelled, rita):
    bad(rita, f"/api/v1/threads/{2**70}/", status=404)


def test_it_says_the_api_is_read_only_to_a_write(labelled, rita):
    response = client_for(rita).post("/api/v1/claims/", {}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "The Threadlab API is read-only: use GET."}


def test_it_refuses_a_session_users_write_without_csrf_with_json(labelled, rita):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(rita)
    response = client.delete("/api/v1/claims/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_it_throttles_with_a_json_429(labelled, rita, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {"user": "2/hour", "anon": "2/hour", "export": "2/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = client_for(rita)
    client.get("/api/v1/corpora/")
    client.get("/api/v1/corpora/")
    response = client.get("/api/v1/corpora/")
    assert response.status_code == 429
    assert "throttled" in response.json()["detail"]


def test_it_throttles_exports_on_their_own_rate(labelled, rita, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {"user": "100/hour", "anon": "100/hour", "export": "1/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = client_for(rita)
    client.get("/api/v1/corpora/demo/export/?format=csv")
    assert client.get("/api/v1/corpora/demo/export/?format=csv").status_code == 429
    assert client.get("/api/v1/corpora/").status_code == 200
