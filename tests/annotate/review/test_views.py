"""The reviewer's pages and htmx endpoints: access, full page and fragment, query counts, and
what each gold action shows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from annotate.models import AssignmentStatus, Claim, LabelKind, ReplyLabel, ThreadReview
from annotate.services import gold
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    RelationFactory,
    ReplyLabelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_victor(client, victor):
    client.force_login(victor)
    return client


def _page(article):
    return reverse("annotate:review-thread", args=[article.pk])


def _url(name, article, *args):
    return reverse(f"annotate:{name}", args=[article.pk, *args])


# --- Access ---------------------------------------------------------------------------------


def test_it_shows_the_review_page_to_a_reviewer(as_victor, labelled):
    response = as_victor.get(_page(labelled["article"]))
    assert response.status_code == 200
    assert b'data-annotator="alice"' in response.content


@pytest.mark.parametrize("username", ["alice", "rita", "charlie"])
def test_it_hides_the_review_page_from_anyone_but_reviewers(
    client, labelled, rita, charlie, username
):
    client.force_login(User.objects.get(username=username))
    assert client.get(_page(labelled["article"])).status_code == 404


def test_it_shows_the_review_page_to_an_admin(client, labelled, admin_user):
    client.force_login(admin_user)
    assert client.get(_page(labelled["article"])).status_code == 200


def test_it_sends_a_signed_out_visitor_to_sign_in(client, labelled):
    response = client.get(_page(labelled["article"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_hides_a_thread_of_a_corpus_the_reviewer_does_not_review(as_victor):
    other = ArticleFactory()
    assert as_victor.get(_page(other)).status_code == 404


def test_it_refuses_an_accept_from_someone_who_does_not_review(client, labelled, alice):
    client.force_login(alice)
    claim = labelled["b_thesis"]
    response = client.post(
        _url("review-accept", labelled["article"]),
        {"claim": claim.pk, "seen": gold.version_of(claim)},
        **HTMX,
    )
    assert response.status_code == 404
    assert not Claim.objects.filter(is_gold=True).exists()


# --- The page, full and as a fragment ---------------------------------------------------------


def test_it_renders_the_thread_as_a_fragment_for_htmx(as_victor, labelled):
    response = as_victor.get(_page(labelled["article"]), **HTMX)
    assert b'id="post"' in response.content and b"<html" not in response.content


def test_it_marks_the_disagreements_where_they_are(as_victor, labelled):
    content = as_victor.get(_page(labelled["article"])).content.decode()
    a_thesis, b_comment = labelled["a_thesis"], labelled["b_comment"]
    assert f'class="rc v{a_thesis.stance_id} dis" id="rc-{a_thesis.pk}"' in content
    assert f'class="rc v{b_comment.stance_id} dis" id="rc-{b_comment.pk}"' in content


def test_it_counts_the_disagreements_of_the_thread(as_victor, labelled):
    # "Thesis" (stances differ), "First" and "comment." (one annotator each), c2's reply label.
    content = as_victor.get(_page(labelled["article"])).content.decode()
    assert '<span id="dis-total">4 disagreements</span>' in content


def test_it_marks_the_majority_reply_label(as_victor, labelled):
    content = as_victor.get(_page(labelled["article"])).content.decode()
    deny = labelled["a_reply"].label_id
    assert f'<b class="rlp maj v{deny}">deny <span title="the majority">★</span></b>' in content


def test_it_shows_each_annotators_reply_label_where_they_differ(as_victor, labelled):
    content = as_victor.get(_page(labelled["article"])).content.decode()
    row = content[content.index(f'id="tb-{labelled["c2"].pk}"') :]
    query = labelled["b_reply2"].label_id
    assert f'<b class="rlp v{query} maj">query <span title="the majority">★</span></b>' in row


def test_it_escapes_the_texts_it_shows(as_victor, labelled):
    labelled["c4"].text = "<script>alert(1)</script>"
    labelled["c4"].save()
    content = as_victor.get(_page(labelled["article"])).content
    assert b"<script>alert(1)" not in content and b"&lt;script&gt;alert(1)" in content


def test_it_leaves_the_review_status_alone_when_the_page_is_opened(as_victor, labelled):
    as_victor.get(_page(labelled["article"]))
    assert not ThreadReview.objects.exists()


def _big_thread(corpus, annotators, comments):
    """Chains of three comments, each with a claim of every annotator that (but at the top of
    a chain) supports the same annotator's claim above it, and a reply label of each."""
    article = ArticleFactory(corpus=corpus)
    parent = None
    above = {}
    for i in range(comments):
        comment = CommentFactory(
            article=article, parent=parent if i % 3 else None, text="Some words here."
        )
        parent = comment
        for who in annotators:
            claim = ClaimFactory(
                annotator=who, article=article, comment=comment, start=0, end=4, quote="Some"
            )
            if i % 3:
                RelationFactory(from_claim=claim, to_claim=above[who])
            above[who] = claim
            ReplyLabelFactory(annotator=who, comment=comment)
    for who in annotators:
        AssignmentFactory(annotator=who, article=article)
    return article


@pytest.mark.parametrize("comments", [3, 30])
def test_it_reads_the_review_page_in_constant_queries(
    as_victor, corpus, alice, bob, comments, django_assert_max_num_queries
):
    article = _big_thread(corpus, [alice, bob], comments)
    gold_claim = Claim.objects.filter(article=article).first()
    gold.gold_claim_accept(
        reviewer=UserFactory(is_staff=True),
        claim_id=gold_claim.pk,
        seen=gold.version_of(gold_claim),
    )
    # 12 for the page (one its relations), 9 more to compute and keep the thread's agreement
    # figures (first visit).
    with django_assert_max_num_queries(21):
        response = as_victor.get(_page(article))
    assert response.status_code == 200


def test_it_shows_the_threads_agreement_beside_the_labels(as_victor, corpus, alice, bob):
    article = _big_thread(corpus, [alice, bob], 3)
    page = as_victor.get(_page(article)).content.decode()
    assert "Agreement on this thread" in page
    assert "Claims α<sub>U</sub>" in page


# --- Accepting ------------------------------------------------------------------------------


def test_it_accepts_a_claim_and_returns_its_text_with_the_gold_lane(as_victor, labelled):
    claim = labelled["a_thesis"]
    response = as_victor.post(
        _url("review-accept", labelled["article"]),
        {"claim": claim.pk, "seen": gold.version_of(claim), "text": "a"},
        **HTMX,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="tb-a"' in content and "accepted from alice · settled by victor" in content


def test_it_puts_the_thread_in_review_in_the_status_panel_after_an_accept(as_victor, labelled):
    claim = labelled["a_thesis"]
    response = as_victor.post(
        _url("review-accept", labelled["article"]),
        {"claim": claim.pk, "seen": gold.version_of(claim), "text": "a"},
        **HTMX,
    )
    assert b'id="review-status" hx-swap-oob="true"' in response.content
    assert b"in review</span>" in response.content


def test_it_refuses_a_stale_accept_with_a_message_in_the_text(as_victor, labelled):
    claim = labelled["a_thesis"]
    response = as_victor.post(
        _url("review-accept", labelled["article"]),
        {"claim": claim.pk, "seen": "2000-01-01T00:00:00+00:00", "text": "a"},
        **HTMX,
    )
    assert response.status_code == 409
    assert b'class="rv-msg error" role="alert">alice&#39;s claim was changed' in response.content
    assert not Claim.objects.filter(is_gold=True).exists()


def test_it_refuses_an_accept_of_a_deleted_claim_showing_the_text_as_it_is(
    as_victor, labelled, bob
):
    from annotate.services.claims import claim_delete

    claim = labelled["b_comment"]
    seen = gold.version_of(claim)
    claim_delete(claim=claim, actor=bob)
    response = as_victor.post(
        _url("review-accept", labelled["article"]),
        {"claim": claim.pk, "seen": seen, "text": str(labelled["c1"].pk)},
        **HTMX,
    )
    assert response.status_code == 409
    assert b"deleted by bob" in response.content and f'id="rc-{claim.pk}"'.encode() not in (
        response.content
    )


def test_it_redirects_after_an_accept_without_htmx(as_victor, labelled):
    claim = labelled["a_thesis"]
    response = as_victor.post(
        _url("review-accept", labelled["article"]),
        {"claim": claim.pk, "seen": gold.version_of(claim)},
    )
    assert response.status_code == 302 and response["Location"].endswith("#post")


def test_it_refuses_an_accept_without_a_claim(as_victor, labelled):
    response = as_victor.post(_url("review-accept", labelled["article"]), {"claim": "x"}, **HTMX)
    assert response.status_code == 400


def test_it_accepts_all_of_a_lane(as_victor, labelled, alice):
    claim = labelled["a_first"]
    response = as_victor.post(
        _url("review-accept-all", labelled["article"]),
        {
            "annotator": alice.pk,
            "text": str(labelled["c1"].pk),
            "seen": f"{claim.pk}={gold.version_of(claim)}",
        },
        **HTMX,
    )
    assert response.status_code == 200 and b"1 accepted." in response.content
    assert Claim.objects.filter(is_gold=True, source=alice).count() == 1


def test_it_accepts_a_reply_label(as_victor, labelled):
    label = labelled["b_reply2"]
    response = as_victor.post(
        _url("review-reply-accept", labelled["article"]),
        {"label": label.pk, "seen": str(label.label_id), "seen_gold": ""},
        **HTMX,
    )
    assert response.status_code == 200
    assert b"accepted from bob \xc2\xb7 settled by victor" in response.content


def test_it_accepts_the_majority_reply_label(as_victor, labelled, alice):
    c1 = labelled["c1"]
    deny = labelled["a_reply"].label_id
    response = as_victor.post(
        _url("review-reply-majority", labelled["article"]),
        {"comment": c1.pk, "seen": f"alice={deny},bob={deny}", "seen_gold": ""},
        **HTMX,
    )
    assert response.status_code == 200
    assert ReplyLabel.objects.get(is_gold=True).source_id == alice.pk


def test_it_says_so_when_there_is_no_majority(as_victor, labelled):
    c1 = labelled["c1"]
    query = labelled["value"](LabelKind.REPLY_LABEL, "query")
    ReplyLabel.objects.filter(pk=labelled["b_reply"].pk).update(label=query)
    deny = labelled["a_reply"].label_id
    response = as_victor.post(
        _url("review-reply-majority", labelled["article"]),
        {"comment": c1.pk, "seen": f"alice={deny},bob={query.pk}", "seen_gold": ""},
        **HTMX,
    )
    assert response.status_code == 422 and b"no majority" in response.content


# --- Status -----------------------------------------------------------------------------------


def test_it_marks_the_thread_reviewed_and_returns_the_panel(as_victor, labelled):
    response = as_victor.post(
        _url("review-status", labelled["article"]), {"status": "reviewed"}, **HTMX
    )
    assert b'id="review-status-value">reviewed</span>' in response.content
    assert ThreadReview.objects.get().status == "reviewed"


def test_it_goes_back_to_the_queue_after_mark_reviewed_without_htmx(as_victor, labelled):
    response = as_victor.post(_url("review-status", labelled["article"]), {"status": "reviewed"})
    assert response.status_code == 302 and response["Location"] == reverse("annotate:review-home")


def test_it_refuses_an_unknown_status(as_victor, labelled):
    response = as_victor.post(_url("review-status", labelled["article"]), {"status": "x"}, **HTMX)
    assert response.status_code == 400 and not ThreadReview.objects.exists()


# --- Drawing and editing gold with the claim form --------------------------------------------


def test_it_opens_the_claim_form_for_a_gold_claim_on_a_selection(as_victor, labelled):
    c2 = labelled["c2"]
    response = as_victor.get(
        _url("review-gold-new", labelled["article"]),
        {"text": c2.pk, "start": 2, "end": 7, "quote": "reply"},
        **HTMX,
    )
    assert response.status_code == 200
    assert _url("review-gold-create", labelled["article"]).encode() in response.content


def test_it_opens_the_claim_form_in_the_full_page_without_htmx(as_victor, labelled):
    c2 = labelled["c2"]
    response = as_victor.get(
        _url("review-gold-new", labelled["article"]),
        {"text": c2.pk, "start": 2, "end": 7, "quote": "reply"},
    )
    assert b"<html" in response.content and b'id="claim-form"' in response.content


def _form(labelled, stance="neutral", target="parent", **extra):
    value = labelled["value"]
    return {
        "claim_type": value(LabelKind.CLAIM_TYPE, "claim").pk,
        "stance": value(LabelKind.STANCE, stance).pk,
        "target": f"v{value(LabelKind.STANCE_TARGET, target).pk}",
        "note": "",
        **extra,
    }


def test_it_saves_a_drawn_gold_claim_and_closes_the_editor(as_victor, labelled):
    c2 = labelled["c2"]
    span = {"text": c2.pk, "start": 2, "end": 7, "quote": "reply"}
    response = as_victor.post(
        _url("review-gold-create", labelled["article"]), {**span, **_form(labelled)}, **HTMX
    )
    assert response.status_code == 200
    assert b"reviewer \xc2\xb7 settled by victor" in response.content
    assert b'id="editor" class="editor" role="dialog" aria-label="Gold claim" hidden' in (
        response.content
    )


def test_it_refuses_a_gold_target_that_is_not_gold_in_the_form(as_victor, labelled):
    c2 = labelled["c2"]
    span = {"text": c2.pk, "start": 2, "end": 7, "quote": "reply"}
    data = {**span, **_form(labelled), "target": f"c{labelled['a_first'].pk}"}
    response = as_victor.post(_url("review-gold-create", labelled["article"]), data, **HTMX)
    assert response.status_code == 422 and not Claim.objects.filter(is_gold=True).exists()


def test_it_opens_a_gold_claim_in_the_form_with_its_version(as_victor, labelled):
    accepted = gold.gold_claim_accept(
        reviewer=labelled["article"].corpus.grants.get().user,
        claim_id=labelled["a_first"].pk,
        seen=gold.version_of(labelled["a_first"]),
    ).claim
    response = as_victor.get(_url("review-gold-edit", labelled["article"], accepted.pk), **HTMX)
    version = gold.version_of(accepted)
    assert f'name="version" value="{version}"'.encode() in response.content
    assert _url("review-gold-delete", labelled["article"], accepted.pk).encode() in response.content


def _accepted(labelled, victor):
    source = labelled["a_first"]
    return gold.gold_claim_accept(
        reviewer=victor, claim_id=source.pk, seen=gold.version_of(source)
    ).claim


def test_it_saves_an_edit_of_a_gold_claim(as_victor, labelled, victor):
    claim = _accepted(labelled, victor)
    data = _form(labelled, stance="support", version=gold.version_of(claim))
    response = as_victor.post(
        _url("review-gold-update", labelled["article"], claim.pk), data, **HTMX
    )
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).stance.name == "support"


def test_it_refuses_a_stale_edit_saying_what_changed(as_victor, labelled, victor):
    claim = _accepted(labelled, victor)
    data = _form(labelled, stance="support", version="2000-01-01T00:00:00+00:00")
    response = as_victor.post(
        _url("review-gold-update", labelled["article"], claim.pk), data, **HTMX
    )
    assert response.status_code == 409
    assert b"This gold claim was changed by victor" in response.content
    assert Claim.objects.get(pk=claim.pk).stance.name == "oppose"


def test_it_deletes_a_gold_claim(as_victor, labelled, victor):
    claim = _accepted(labelled, victor)
    response = as_victor.post(
        _url("review-gold-delete", labelled["article"], claim.pk),
        {"version": gold.version_of(claim)},
        **HTMX,
    )
    assert response.status_code == 200 and not Claim.objects.filter(pk=claim.pk).exists()


# --- The queue --------------------------------------------------------------------------------


def _queue_thread(corpus, annotators, done, status=None, title="t"):
    article = ArticleFactory(corpus=corpus, title=title)
    for i, who in enumerate(annotators):
        AssignmentFactory(
            annotator=who,
            article=article,
            status=AssignmentStatus.DONE if i < done else AssignmentStatus.IN_PROGRESS,
        )
    if status:
        ThreadReview.objects.create(article=article, status=status)
    return article


def test_it_lists_threads_that_need_a_reviewer_first(as_victor, corpus, alice, bob):
    reviewed = _queue_thread(corpus, [alice, bob], 2, "reviewed", "reviewed")
    annotating = _queue_thread(corpus, [alice, bob], 1, None, "annotating")
    in_review = _queue_thread(corpus, [alice, bob], 2, "in_review", "in review")
    ready = _queue_thread(corpus, [alice, bob], 2, None, "ready")
    content = as_victor.get(reverse("annotate:review-home")).content.decode()
    order = [content.index(f'id="review-{a.pk}"') for a in (ready, in_review, annotating, reviewed)]
    assert order == sorted(order)


def test_it_shows_annotators_done_and_disagreements_in_the_queue(as_victor, labelled):
    content = as_victor.get(reverse("annotate:review-home")).content.decode()
    row = content[content.index(f'id="review-{labelled["article"].pk}"') :]
    assert '<td class="num">0 / 2</td>\n        <td class="num">4</td>' in row


def test_it_opens_the_next_thread_to_review(as_victor, corpus, alice, bob):
    _queue_thread(corpus, [alice, bob], 1)
    ready = _queue_thread(corpus, [alice, bob], 2)
    response = as_victor.get(reverse("annotate:review-next"))
    assert response["Location"] == _page(ready)


def test_it_goes_back_to_the_queue_when_everything_is_reviewed(as_victor, corpus, alice):
    _queue_thread(corpus, [alice], 1, "reviewed")
    response = as_victor.get(reverse("annotate:review-next"), follow=True)
    assert b"Every thread you review is reviewed" in response.content


def test_it_shows_an_annotator_no_threads_to_review(client, labelled, alice):
    client.force_login(alice)
    assert b"You review no corpus yet" in client.get(reverse("annotate:review-home")).content


@pytest.mark.parametrize("threads", [2, 12])
def test_it_reads_the_queue_in_constant_queries(
    as_victor, corpus, alice, bob, threads, django_assert_max_num_queries
):
    for _ in range(threads):
        _big_thread(corpus, [alice, bob], 2)
    with django_assert_max_num_queries(9):
        response = as_victor.get(reverse("annotate:review-home"))
    assert response.content.count(b'<tr id="review-') == threads


def test_it_pages_the_queue_by_fifty(as_victor, corpus):
    ArticleFactory.create_batch(51, corpus=corpus)
    response = as_victor.get(reverse("annotate:review-home"), {"page": 2})
    assert response.content.count(b'<tr id="review-') == 1


@pytest.mark.parametrize("comments", [3, 30])
def test_it_accepts_a_claim_in_constant_queries(
    as_victor, corpus, alice, bob, comments, django_assert_max_num_queries
):
    article = _big_thread(corpus, [alice, bob], comments)
    claim = Claim.objects.filter(article=article, annotator=alice).last()
    # 20 before relations; 2 to bring the claim's relations into gold (its relations, and the
    # gold claims on their other ends' texts: none here), 1 for the text's relations shown again.
    with django_assert_max_num_queries(23):
        response = as_victor.post(
            _url("review-accept", article),
            {"claim": claim.pk, "seen": gold.version_of(claim)},
            **HTMX,
        )
    assert response.status_code == 200
