"""The annotator workspace views: full pages and htmx fragments, saves, messages, query counts."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotate.models import (
    AnnotationEvent,
    Assignment,
    AssignmentStatus,
    Claim,
    LabelKind,
    LabelValue,
    ReplyLabel,
)
from annotate.workspace.colours import contrast_ratio, strong_colour
from tests.annotate.bigthread import build_thread
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    RelationFactory,
    ReplyLabelFactory,
    label,
)

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def _thread_url(article):
    return reverse("annotate:thread", args=[article.pk])


def _claim_post(thread, comment, start, end, **extra):
    corpus = thread["article"].corpus
    text = comment.text if comment else thread["article"].body
    data = {
        "text": str(comment.pk) if comment else "a",
        "start": start,
        "end": end,
        "quote": text[start:end],
        "claim_type": label(corpus, LabelKind.CLAIM_TYPE, "claim").pk,
        "stance": label(corpus, LabelKind.STANCE, "oppose").pk,
        "target": f"v{label(corpus, LabelKind.STANCE_TARGET, 'thesis').pk}",
        "note": "",
        "client_token": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def _create_url(thread):
    return reverse("annotate:claim-create", args=[thread["article"].pk])


# --- Dashboard ---------------------------------------------------------------------------------


def test_it_shows_the_assignments_with_progress(as_alice, thread, alice):
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    response = as_alice.get(reverse("annotate:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 / 4" in body
    assert 'id="open-next"' in body


def test_it_counts_only_the_annotators_own_labels_in_progress(as_alice, thread, bob):
    ClaimFactory(annotator=bob, article=thread["article"], comment=thread["c1"])
    assert "0 / 4" in as_alice.get(reverse("annotate:home")).content.decode()


def test_it_lists_the_dashboard_in_a_constant_number_of_queries(
    as_alice, alice, corpus, django_assert_max_num_queries
):
    for _ in range(12):
        article = ArticleFactory(corpus=corpus)
        CommentFactory(article=article)
        AssignmentFactory(annotator=alice, article=article)
    as_alice.get(reverse("annotate:home"))  # the first visit keeps the top bar in the session
    with django_assert_max_num_queries(5):
        response = as_alice.get(reverse("annotate:home"))
    assert response.content.decode().count('class="st-todo"') == 12


def test_it_shows_reviewers_the_corpora_they_review(client, victor, thread):
    client.force_login(victor)
    body = client.get(reverse("annotate:home")).content.decode()
    assert "Corpora you review" in body and "Demo corpus" in body


def test_it_opens_the_thread_in_progress_first(as_alice, alice, corpus, thread):
    other = ArticleFactory(corpus=corpus)
    AssignmentFactory(annotator=alice, article=other, status=AssignmentStatus.IN_PROGRESS)
    response = as_alice.get(reverse("annotate:next"))
    assert response["Location"] == _thread_url(other)


def test_it_goes_back_to_the_dashboard_when_all_are_done(as_alice, alice, thread):
    Assignment.objects.filter(annotator=alice).update(status=AssignmentStatus.DONE)
    response = as_alice.get(reverse("annotate:next"), follow=True)
    assert "Every thread assigned to you is done" in response.content.decode()


# --- Thread page -------------------------------------------------------------------------------


def test_it_renders_the_thread_page(as_alice, thread):
    response = as_alice.get(_thread_url(thread["article"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and "Deeper 𝕏 reply." in body
    assert body.count('class="comment node"') == 4
    assert "HX-Request" in response["Vary"]


def test_it_renders_the_thread_as_a_fragment_for_htmx(as_alice, thread):
    response = as_alice.get(_thread_url(thread["article"]), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="post"' in body and "Deeper 𝕏 reply." in body


def test_it_nests_replies_inside_their_parents(as_alice, thread):
    body = as_alice.get(_thread_url(thread["article"]), **HX).content.decode()
    c1, c2, c3, c4 = (body.index(f'id="c{thread[k].pk}"') for k in ("c1", "c2", "c3", "c4"))
    assert c1 < c2 < c3 < c4
    # c3 closes three boxes (its own, c2's and c1's) before c4 opens.
    between = body[c3:c4]
    assert between.count("</div></article>") == 3


def test_it_highlights_overlapping_claims_as_segments(as_alice, thread, alice):
    c1 = thread["c1"]  # "First 😀 comment."
    a = ClaimFactory(annotator=alice, article=thread["article"], comment=c1, start=0, end=7)
    b = ClaimFactory(annotator=alice, article=thread["article"], comment=c1, start=6, end=15)
    body = as_alice.get(_thread_url(thread["article"]), **HX).content.decode()
    assert f'data-claims="{a.pk}" data-top="{a.pk}">First </mark>' in body
    assert f'data-claims="{a.pk} {b.pk}" data-top="{a.pk}">😀</mark>' in body
    assert f'data-claims="{b.pk}" data-top="{b.pk}"> comment</mark>' in body


def test_it_escapes_user_text(as_alice, corpus, alice):
    article = ArticleFactory(corpus=corpus, title="<script>alert(1)</script>", body="<b>x</b>")
    CommentFactory(article=article, text='<img src=x onerror="alert(1)">', author="<i>me</i>")
    AssignmentFactory(annotator=alice, article=article)
    body = as_alice.get(_thread_url(article)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in body  # as Jinja2 escapes quotes
    assert "&lt;b&gt;x&lt;/b&gt;" in body and "&lt;i&gt;me&lt;/i&gt;" in body


def test_it_keeps_carriage_returns_in_the_text(as_alice, corpus, alice):
    article = ArticleFactory(corpus=corpus, body="One.\r\nTwo.")
    AssignmentFactory(annotator=alice, article=article)
    body = as_alice.get(_thread_url(article)).content.decode()
    assert "One.&#13;\nTwo." in body


def test_it_escapes_claim_notes_and_quotes(as_alice, corpus, alice):
    article = ArticleFactory(corpus=corpus, body="<b>Bold</b> claim.")
    AssignmentFactory(annotator=alice, article=article)
    ClaimFactory(annotator=alice, article=article, start=0, end=11, note='"><script>x</script>')
    body = as_alice.get(_thread_url(article)).content.decode()
    assert "<script>x" not in body and "<b>Bold" not in body
    assert 'title="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in body
    assert "<q>&lt;b&gt;Bold&lt;/b&gt;</q>" in body


def test_it_escapes_label_names(as_alice, thread, corpus, alice):
    kind = LabelValue.objects.create(corpus=corpus, kind=LabelKind.CLAIM_TYPE, name="<i>kind</i>")
    LabelValue.objects.create(corpus=corpus, kind=LabelKind.REPLY_LABEL, name="<u>agree</u>")
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"], claim_type=kind)
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert "<i>kind</i>" not in body and "<i>&lt;i&gt;kind&lt;/i&gt;</i>" in body
    assert "<u>agree" not in body and ">&lt;u&gt;agree&lt;/u&gt;</button>" in body


def test_it_leaves_the_replies_box_of_a_leaf_comment_empty(as_alice, thread):
    # CSS hides an empty box (:empty), which white space inside it would defeat.
    body = as_alice.get(_thread_url(thread["article"]), **HX).content.decode()
    leaf = body[body.index(f'id="c{thread["c4"].pk}"') :]
    assert f'<div class="replies" id="r-{thread["c4"].pk}"></div></article>' in leaf


def test_it_shows_no_reply_button_on_for_a_retired_label(as_alice, thread, corpus, alice):
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    ReplyLabelFactory(annotator=alice, comment=thread["c2"], label=deny)
    LabelValue.objects.filter(pk=deny.pk).update(retired=True)
    body = as_alice.get(_thread_url(thread["article"]), **HX).content.decode()
    control = body[body.index(f'id="rl-{thread["c2"].pk}"') :]
    control = control[: control.index("</form>")]
    assert 'aria-pressed="true"' not in control and "deny" not in control


def test_it_renders_the_guidelines_as_sanitised_markdown(as_alice, thread, corpus):
    corpus.guidelines = "# Rules\n\nMark **claims**.<script>alert(1)</script>"
    corpus.save()
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert "<strong>claims</strong>" in body
    assert "<script>alert(1)" not in body


def _page_queries(client, article):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_thread_url(article))
    assert response.status_code == 200
    return len(queries)


def _big_threads(alice, corpus, sizes=(200, 2000)):
    articles = []
    for size in sizes:
        article = ArticleFactory(corpus=corpus)
        build_thread(article=article, comments=size, claims=size // 4, annotator=alice)
        AssignmentFactory(annotator=alice, article=article)
        articles.append(article)
    return articles


def test_it_sends_the_same_first_page_whatever_the_thread_size(as_alice, alice, corpus):
    small, big = _big_threads(alice, corpus)
    bodies = [as_alice.get(_thread_url(a)).content.decode() for a in (small, big)]
    assert [b.count('class="comment node"') for b in bodies] == [100, 100]
    assert [b.count('class="chip ') for b in bodies] == [25, 25]
    # The same HTML but for ids and counts: within a few per cent in size.
    assert abs(len(bodies[0]) - len(bodies[1])) < 0.05 * len(bodies[0])


def test_it_counts_progress_over_the_whole_thread(as_alice, alice, corpus):
    _small, big = _big_threads(alice, corpus)
    body = as_alice.get(_thread_url(big)).content.decode()
    assert "500 / 2000" in body  # every fourth comment carries a claim


def test_it_reads_a_big_thread_in_as_many_queries_as_a_small_one(
    as_alice, alice, corpus, django_assert_max_num_queries
):
    small, big = _big_threads(alice, corpus, sizes=(10, 2000))
    small_count = _page_queries(as_alice, small)
    with django_assert_max_num_queries(small_count):
        response = as_alice.get(_thread_url(big))
    assert response.status_code == 200
    with django_assert_max_num_queries(small_count):
        as_alice.get(_thread_url(big), **HX)


def test_it_ends_the_first_page_with_the_marker_that_loads_the_next(as_alice, alice, corpus):
    _small, big = _big_threads(alice, corpus)
    body = as_alice.get(_thread_url(big)).content.decode()
    more = reverse("annotate:thread-comments", args=[big.pk]) + "?from=100"
    assert f'hx-get="{more}" hx-trigger="revealed, more"' in body
    assert f'href="{_thread_url(big)}?from=100"' in body  # the same place without htmx


def test_it_ends_a_short_thread_without_a_marker(as_alice, thread):
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert 'id="more"' not in body and "End of the thread." in body


def _page_url(article, start):
    return reverse("annotate:thread-comments", args=[article.pk]) + f"?from={start}"


def test_it_returns_a_page_of_comments_as_a_fragment(as_alice, alice, corpus):
    _small, big = _big_threads(alice, corpus)
    response = as_alice.get(_page_url(big, 100), **HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.count('class="comment node"') == 100
    assert '<a class="comment node"' not in body and 'id="post"' not in body
    assert f'hx-get="{_page_url(big, 200)}"' in body
    assert "HX-Request" in response["Vary"]


def test_it_sends_each_run_of_a_page_into_its_parents_replies(as_alice, alice, corpus):
    _small, big = _big_threads(alice, corpus)
    # Chains of four (depths 0-3): a page from 102 starts at depth 2, under comment 101.
    parent = big.comments.get(position=101)
    body = as_alice.get(_page_url(big, 102), **HX).content.decode()
    first_run = body.index(f'<div hx-swap-oob="beforeend:#r-{parent.pk}">')
    assert first_run < body.index('class="comment node"')
    assert '<div hx-swap-oob="beforeend:#comments">' in body  # the next chain: top level


def test_it_shows_the_last_page_with_the_end_of_the_thread(as_alice, alice, corpus):
    small, _big = _big_threads(alice, corpus)
    body = as_alice.get(_page_url(small, 100), **HX).content.decode()
    assert body.count('class="comment node"') == 100
    assert 'id="more"' not in body and "End of the thread." in body


def test_it_redirects_a_page_of_comments_to_the_thread_page_without_htmx(as_alice, thread):
    response = as_alice.get(_page_url(thread["article"], 2))
    assert response["Location"] == _thread_url(thread["article"]) + "?from=2"


def test_it_shows_the_thread_page_from_a_later_comment(as_alice, alice, corpus):
    _small, big = _big_threads(alice, corpus)
    body = as_alice.get(_thread_url(big) + "?from=1900").content.decode()
    assert body.count('class="comment node"') == 100 and "#1901" in body
    assert "Show the thread from its first comment" in body


@pytest.mark.parametrize("start", ["x", "-1", "²", "9" * 30])
def test_it_refuses_a_bad_page_start(as_alice, thread, start):
    url = reverse("annotate:thread-comments", args=[thread["article"].pk]) + f"?from={start}"
    assert as_alice.get(url, **HX).status_code == 404


def test_it_refuses_a_page_of_someone_elses_thread(client, charlie, thread):
    client.force_login(charlie)
    assert client.get(_page_url(thread["article"], 0), **HX).status_code == 404


def test_it_shows_only_the_annotators_own_claims_in_a_page(as_alice, alice, bob, corpus):
    _small, big = _big_threads(alice, corpus)
    theirs = ClaimFactory(
        annotator=bob, article=big, comment=big.comments.get(position=104), start=0, end=7
    )
    body = as_alice.get(_page_url(big, 100), **HX).content.decode()
    assert f'id="claim-{theirs.pk}"' not in body and body.count('class="chip ') == 25


@pytest.mark.parametrize("start", [100, 1000])
def test_it_reads_a_page_of_comments_in_a_constant_number_of_queries(
    as_alice, alice, corpus, django_assert_max_num_queries, start
):
    _small, big = _big_threads(alice, corpus, sizes=(10, 2000 if start == 100 else 5000))
    # The assignment, schema, comments, their claims, the claims' relations, reply labels; the
    # session comes from the cache.
    with django_assert_max_num_queries(8):
        response = as_alice.get(_page_url(big, start), **HX)
    assert response.content.decode().count('class="comment node"') == 100


def test_it_offers_claim_targets_up_the_chain_of_a_comment_not_yet_loaded(as_alice, alice, corpus):
    _small, big = _big_threads(alice, corpus)
    # Position 1999 is the last of a chain: 1996 (depth 0), 1997, 1998, 1999.
    ancestor = big.comments.get(position=1996)
    up = ClaimFactory(annotator=alice, article=big, comment=ancestor, start=0, end=7)
    aside = ClaimFactory(
        annotator=alice, article=big, comment=big.comments.get(position=1992), start=0, end=7
    )
    last = big.comments.get(position=1999)
    params = {"text": last.pk, "start": 0, "end": 7, "quote": last.text[:7]}
    url = reverse("annotate:claim-new", args=[big.pk])
    body = as_alice.get(url, params, **HX).content.decode()
    assert f'value="c{up.pk}"' in body and f'value="c{aside.pk}"' not in body


def test_it_reads_the_thread_page_in_at_most_nine_queries(
    as_alice, alice, thread, django_assert_max_num_queries
):
    article = thread["article"]
    up = ClaimFactory(annotator=alice, article=article)
    RelationFactory(
        from_claim=ClaimFactory(annotator=alice, article=article, comment=thread["c1"]), to_claim=up
    )
    with django_assert_max_num_queries(9):
        response = as_alice.get(_thread_url(article))
    assert "supports" in response.content.decode()


# --- The claim form ----------------------------------------------------------------------------


def _new_url(thread, comment, start, end, quote=None):
    text = comment.text if comment else thread["article"].body
    params = {
        "text": str(comment.pk) if comment else "a",
        "start": start,
        "end": end,
        "quote": text[start:end] if quote is None else quote,
    }
    base = reverse("annotate:claim-new", args=[thread["article"].pk])
    return base + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_it_returns_the_claim_form_as_a_fragment(as_alice, thread):
    response = as_alice.get(_new_url(thread, thread["c1"], 6, 15), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="claim-form"' in body
    assert "<q>😀 comment</q>" in body
    assert 'name="client_token" value="' in body


def test_it_returns_the_claim_form_in_the_full_page_without_htmx(as_alice, thread):
    body = as_alice.get(_new_url(thread, thread["c1"], 6, 15)).content.decode()
    assert "<html" in body and 'id="claim-form"' in body


def test_it_offers_earlier_claims_in_ancestor_texts_as_targets(as_alice, thread, alice):
    mine = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    aside = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c4"])
    body = as_alice.get(_new_url(thread, thread["c3"], 0, 6), **HX).content.decode()
    assert f'value="c{mine.pk}"' in body
    assert f'value="c{aside.pk}"' not in body


def test_it_does_not_offer_parent_as_a_target_in_the_article(as_alice, thread, corpus):
    parent = label(corpus, LabelKind.STANCE_TARGET, "parent")
    body = as_alice.get(_new_url(thread, None, 0, 6), **HX).content.decode()
    assert f'value="v{parent.pk}"' not in body


def test_it_warns_at_once_when_the_selection_does_not_match(as_alice, thread):
    response = as_alice.get(_new_url(thread, thread["c1"], 0, 5, quote="Frist"), **HX)
    assert response.status_code == 422
    assert "does not match the stored text" in response.content.decode()
    assert response["HX-Retarget"] == "#editor"


def test_it_returns_the_claim_form_in_a_constant_number_of_queries(
    as_alice, thread, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        as_alice.get(_new_url(thread, thread["c3"], 0, 6), **HX)


# --- Saving claims -----------------------------------------------------------------------------


def test_it_saves_a_claim_and_returns_the_text_with_its_highlight(as_alice, thread):
    response = as_alice.post(_create_url(thread), _claim_post(thread, thread["c1"], 6, 15), **HX)
    body = response.content.decode()
    claim = Claim.objects.get()
    assert response.status_code == 200
    assert (claim.start, claim.end, claim.quote) == (6, 15, "😀 comment")
    assert f'id="tb-{thread["c1"].pk}"' in body and "😀 comment</mark>" in body
    assert 'id="editor"' in body and 'hx-swap-oob="true"' in body  # closes the editor
    assert "1 / 4" in body  # the progress, out of band


def test_it_escapes_the_text_it_returns_after_a_save(as_alice, corpus, alice):
    article = ArticleFactory(corpus=corpus)
    comment = CommentFactory(article=article, text="<b>Bold</b>\r\nclaim.")
    AssignmentFactory(annotator=alice, article=article)
    data = _claim_post({"article": article}, comment, 0, 11)
    body = as_alice.post(_create_url({"article": article}), data, **HX).content.decode()
    assert "<b>Bold" not in body
    assert "&lt;b&gt;Bold&lt;/b&gt;</mark>&#13;\nclaim." in body


def test_it_swaps_only_the_progress_of_the_status_panel_after_a_save(as_alice, thread):
    page = as_alice.get(reverse("annotate:thread", args=[thread["article"].pk])).content.decode()
    assert 'id="progress-bar"' in page and 'id="progress-text"' in page and "mark-done" in page
    response = as_alice.post(_create_url(thread), _claim_post(thread, thread["c1"], 6, 15), **HX)
    body = response.content.decode()
    assert 'id="progress-bar" hx-swap-oob="true"' in body
    assert 'id="progress-text" hx-swap-oob="true"' in body
    # The panel's form does not change with a claim, so it is not sent again (nor a token).
    assert 'id="status"' not in body and "csrfmiddlewaretoken" not in body


def test_it_shows_the_thread_in_progress_after_its_first_claim(as_alice, thread):
    response = as_alice.post(_create_url(thread), _claim_post(thread, thread["c1"], 6, 15), **HX)
    body = response.content.decode()
    assert 'class="badge st-in_progress" id="assignment-status">in progress<' in body


def test_it_saves_a_claim_in_a_constant_number_of_queries(
    as_alice, thread, django_assert_max_num_queries
):
    data = _claim_post(thread, thread["c1"], 0, 5)
    # The user; the comment with its article and assignment; the schema; the claim, its history
    # entry and (the first claim) the assignment moved to in progress, in the test transaction's
    # savepoint; the text's claims; the progress. The session comes from the cache.
    # The session is read from the shared cache; the thread's kept agreement figures are dropped.
    # The text's claims' relations, shown under them.
    with django_assert_max_num_queries(13):
        response = as_alice.post(_create_url(thread), data, **HX)
    assert response.status_code == 200


def test_it_redirects_back_to_the_comment_without_htmx(as_alice, thread):
    response = as_alice.post(_create_url(thread), _claim_post(thread, thread["c2"], 0, 1))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#c{thread['c2'].pk}")


def test_it_saves_a_claim_on_the_article_body(as_alice, thread):
    as_alice.post(_create_url(thread), _claim_post(thread, None, 7, 8), **HX)
    assert Claim.objects.get().quote == "🚀"


def test_it_saves_a_claim_targeting_an_ancestor_claim(as_alice, thread, alice):
    target = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    data = _claim_post(thread, thread["c3"], 0, 6, target=f"c{target.pk}")
    response = as_alice.post(_create_url(thread), data, **HX)
    assert response.status_code == 200
    assert Claim.objects.get(comment=thread["c3"]).target_claim == target


def test_it_makes_one_claim_from_a_double_submit(as_alice, thread):
    data = _claim_post(thread, thread["c1"], 0, 5)
    as_alice.post(_create_url(thread), data, **HX)
    second = as_alice.post(_create_url(thread), data, **HX)
    assert second.status_code == 200
    assert Claim.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end", "quote", "message"),
    [
        (0, 99, "First 😀 comment.", "outside"),
        (5, 5, "", "empty"),
        (4, 2, "x", "empty"),
        (0, 5, "Frist", "does not match"),
    ],
)
def test_it_refuses_a_bad_span_with_a_message(as_alice, thread, start, end, quote, message):
    data = _claim_post(thread, thread["c1"], 0, 5)
    data.update(start=start, end=end, quote=quote or "x")
    response = as_alice.post(_create_url(thread), data, **HX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert response["HX-Retarget"] == "#editor"
    assert not Claim.objects.exists() and not AnnotationEvent.objects.exists()


def test_it_refuses_a_label_from_another_corpus(as_alice, thread):
    other = CorpusFactory()
    data = _claim_post(thread, thread["c1"], 0, 5, stance=label(other, "stance", "oppose").pk)
    response = as_alice.post(_create_url(thread), data, **HX)
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Claim.objects.exists()


def test_it_refuses_a_retired_label(as_alice, thread, corpus):
    oppose = label(corpus, LabelKind.STANCE, "oppose")
    oppose.retired = True
    oppose.save()
    response = as_alice.post(_create_url(thread), _claim_post(thread, thread["c1"], 0, 5), **HX)
    assert response.status_code == 422
    assert not Claim.objects.exists()


def test_it_refuses_a_target_claim_outside_the_reply_chain(as_alice, thread, alice):
    target = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c4"])
    data = _claim_post(thread, thread["c3"], 0, 6, target=f"c{target.pk}")
    response = as_alice.post(_create_url(thread), data, **HX)
    assert response.status_code == 422
    assert "reply chain" in response.content.decode()
    assert Claim.objects.count() == 1


def test_it_refuses_a_post_without_a_csrf_token(thread, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(_create_url(thread), _claim_post(thread, thread["c1"], 0, 5), **HX)
    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_it_refuses_a_post_with_a_stale_csrf_token(thread, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(_thread_url(thread["article"]))
    response = client.post(
        _create_url(thread),
        _claim_post(thread, thread["c1"], 0, 5),
        HTTP_X_CSRFTOKEN="x" * 64,
        **HX,
    )
    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_it_accepts_the_csrf_token_from_the_page_header(thread, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(_thread_url(thread["article"]))
    token = client.cookies["csrftoken"].value
    response = client.post(
        _create_url(thread),
        _claim_post(thread, thread["c1"], 0, 5),
        HTTP_X_CSRFTOKEN=token,
        **HX,
    )
    assert response.status_code == 200


# --- Editing and deleting ----------------------------------------------------------------------


@pytest.fixture
def claim(thread, alice):
    return ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c2"])


def _edit_post(thread, **extra):
    corpus = thread["article"].corpus
    data = {
        "claim_type": label(corpus, LabelKind.CLAIM_TYPE, "claim").pk,
        "stance": label(corpus, LabelKind.STANCE, "neutral").pk,
        "target": f"v{label(corpus, LabelKind.STANCE_TARGET, 'parent').pk}",
        "note": "on reflection",
    }
    data.update(extra)
    return data


def test_it_returns_the_edit_form_as_a_fragment(as_alice, thread, claim):
    url = reverse("annotate:claim-edit", args=[thread["article"].pk, claim.pk])
    body = as_alice.get(url, **HX).content.decode()
    assert f"Claim #{claim.pk}" in body and "Delete" in body and "<html" not in body


def test_it_returns_the_edit_form_in_the_full_page_without_htmx(as_alice, thread, claim):
    url = reverse("annotate:claim-edit", args=[thread["article"].pk, claim.pk])
    body = as_alice.get(url).content.decode()
    assert "<html" in body and f"Claim #{claim.pk}" in body


def test_it_updates_a_claim(as_alice, thread, claim, corpus):
    url = reverse("annotate:claim-update", args=[thread["article"].pk, claim.pk])
    response = as_alice.post(url, _edit_post(thread), **HX)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.stance.name == "neutral" and claim.stance_target.name == "parent"
    assert claim.note == "on reflection"
    assert AnnotationEvent.objects.filter(action="update", object_id=claim.pk).exists()


def test_it_deletes_a_claim(as_alice, thread, claim):
    url = reverse("annotate:claim-delete", args=[thread["article"].pk, claim.pk])
    response = as_alice.post(url, **HX)
    assert response.status_code == 200
    assert "<mark" not in response.content.decode()
    assert not Claim.objects.exists()


def test_it_refuses_to_delete_a_claim_another_claim_targets(as_alice, thread, alice, claim):
    ClaimFactory(
        annotator=alice, article=thread["article"], comment=thread["c3"], target_claim=claim
    )
    url = reverse("annotate:claim-delete", args=[thread["article"].pk, claim.pk])
    response = as_alice.post(url, **HX)
    assert response.status_code == 422
    assert "other claim targets this claim" in response.content.decode()
    assert Claim.objects.count() == 2


def test_it_says_so_when_the_claim_was_deleted_in_another_tab(as_alice, thread, claim):
    as_alice.post(reverse("annotate:claim-delete", args=[thread["article"].pk, claim.pk]), **HX)
    url = reverse("annotate:claim-update", args=[thread["article"].pk, claim.pk])
    response = as_alice.post(url, _edit_post(thread), **HX)
    assert response.status_code == 409
    assert "no longer exists" in response.content.decode()
    assert response["HX-Retarget"] == "#editor"
    assert not Claim.objects.exists()


def test_it_updates_a_claim_in_a_constant_number_of_queries(
    as_alice, thread, claim, django_assert_max_num_queries
):
    url = reverse("annotate:claim-update", args=[thread["article"].pk, claim.pk])
    data = _edit_post(thread)
    with django_assert_max_num_queries(17):  # 16, and the relations of the text shown again
        as_alice.post(url, data, **HX)


# --- Reply labels and status -------------------------------------------------------------------


def _reply_url(thread):
    return reverse("annotate:reply-label", args=[thread["article"].pk])


def test_it_sets_a_reply_label_and_returns_the_control(as_alice, thread, corpus):
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    response = as_alice.post(
        _reply_url(thread), {"comment": thread["c2"].pk, "label": deny.pk}, **HX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'class="rlb v{deny.pk} on"' in body
    assert 'id="status" hx-swap-oob="true"' in body
    assert ReplyLabel.objects.get().label == deny


def test_it_clears_a_reply_label(as_alice, thread, corpus, alice):
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    as_alice.post(_reply_url(thread), {"comment": thread["c2"].pk, "label": deny.pk}, **HX)
    as_alice.post(_reply_url(thread), {"comment": thread["c2"].pk, "label": ""}, **HX)
    assert not ReplyLabel.objects.exists()


def test_it_redirects_after_a_reply_label_without_htmx(as_alice, thread, corpus):
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    response = as_alice.post(_reply_url(thread), {"comment": thread["c2"].pk, "label": deny.pk})
    assert response.status_code == 302


def test_it_refuses_a_stance_as_a_reply_label(as_alice, thread, corpus):
    oppose = label(corpus, LabelKind.STANCE, "oppose")
    response = as_alice.post(
        _reply_url(thread), {"comment": thread["c2"].pk, "label": oppose.pk}, **HX
    )
    assert response.status_code == 422
    assert "not a reply label" in response.content.decode()
    assert not ReplyLabel.objects.exists()


def test_it_sets_a_reply_label_in_a_constant_number_of_queries(
    as_alice, thread, corpus, django_assert_max_num_queries
):
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    # A savepoint around the insert: a second tab setting the same label updates it.
    with django_assert_max_num_queries(16):
        as_alice.post(_reply_url(thread), {"comment": thread["c2"].pk, "label": deny.pk}, **HX)


def test_it_marks_the_thread_done(as_alice, thread, alice):
    url = reverse("annotate:assignment-status", args=[thread["article"].pk])
    response = as_alice.post(url, {"status": "done"}, **HX)
    assert response.status_code == 200
    assert "Reopen thread" in response.content.decode()
    assert Assignment.objects.get(annotator=alice).status == "done"


def test_it_goes_to_the_dashboard_after_marking_done_without_htmx(as_alice, thread):
    url = reverse("annotate:assignment-status", args=[thread["article"].pk])
    response = as_alice.post(url, {"status": "done"})
    assert response["Location"] == reverse("annotate:home")


def test_it_refuses_an_unknown_status(as_alice, thread, alice):
    url = reverse("annotate:assignment-status", args=[thread["article"].pk])
    assert as_alice.post(url, {"status": "finished"}, **HX).status_code == 400
    assert Assignment.objects.get(annotator=alice).status == "todo"


# --- A done thread is read-only ------------------------------------------------------------------


def _mark_done(alice, thread):
    Assignment.objects.filter(annotator=alice, article=thread["article"]).update(
        status=AssignmentStatus.DONE
    )


def test_it_shows_a_done_thread_read_only(as_alice, thread, alice):
    _mark_done(alice, thread)
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert 'class="workspace readonly"' in body and "Reopen thread" in body


def test_it_refuses_a_claim_on_a_done_thread_with_a_message(as_alice, thread, alice):
    _mark_done(alice, thread)
    response = as_alice.post(_create_url(thread), _claim_post(thread, thread["c1"], 0, 5), **HX)
    assert response.status_code == 422
    assert "marked done" in response.content.decode()
    assert not Claim.objects.exists()


def test_it_refuses_a_reply_label_on_a_done_thread_with_a_message(as_alice, thread, alice, corpus):
    _mark_done(alice, thread)
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    response = as_alice.post(
        _reply_url(thread), {"comment": thread["c2"].pk, "label": deny.pk}, **HX
    )
    assert response.status_code == 422
    assert "marked done" in response.content.decode()
    assert not ReplyLabel.objects.exists()


def test_it_asks_the_page_to_warn_before_marking_done(as_alice, thread):
    # annotate.js reads the progress bar to ask "N of M comments have no label yet".
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert 'aria-valuemax="4" aria-valuenow="0"' in body and 'id="mark-done"' in body


# --- Undo a delete -------------------------------------------------------------------------------


def _restore_url(thread, claim_pk):
    return reverse("annotate:claim-restore", args=[thread["article"].pk, claim_pk])


def _delete(client, thread, claim):
    url = reverse("annotate:claim-delete", args=[thread["article"].pk, claim.pk])
    return client.post(url, **HX)


def test_it_offers_to_undo_a_delete(as_alice, thread, alice):
    claim = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    body = _delete(as_alice, thread, claim).content.decode()
    assert 'id="toast" class="toast" role="status" aria-live="polite" hx-swap-oob="true"' in body
    assert f'hx-post="{_restore_url(thread, claim.pk)}"' in body
    assert f'hx-target="#tb-{thread["c1"].pk}"' in body and ">Undo</button>" in body


def test_it_restores_a_deleted_claim_and_returns_its_text(as_alice, thread, alice):
    claim = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    _delete(as_alice, thread, claim)
    response = as_alice.post(_restore_url(thread, claim.pk), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="claim-{claim.pk}"' in body and f'id="tb-{thread["c1"].pk}"' in body
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_it_says_why_a_restore_is_refused(as_alice, thread, alice):
    claim = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    response = as_alice.post(_restore_url(thread, claim.pk), **HX)  # never deleted
    assert response.status_code == 409
    assert "no deleted claim of yours" in response.content.decode()
    assert response["HX-Retarget"] == "#toast"


def test_it_restores_a_claim_in_a_constant_number_of_queries(
    as_alice, thread, alice, django_assert_max_num_queries
):
    claim = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    _delete(as_alice, thread, claim)
    with django_assert_max_num_queries(17):  # 16, and the relations of the text shown again
        as_alice.post(_restore_url(thread, claim.pk), **HX)


def test_it_redirects_after_a_restore_without_htmx(as_alice, thread, alice):
    claim = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    _delete(as_alice, thread, claim)
    response = as_alice.post(_restore_url(thread, claim.pk))
    assert response.status_code == 302 and Claim.objects.filter(pk=claim.pk).exists()


# --- Contrast and favicon ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "colour", ["#2f9e44", "#e03131", "#f08c00", "#868e96", "#4c6ef5", "#ffd43b"]
)
def test_it_darkens_a_label_colour_to_meet_wcag_aa_with_white_text(colour):
    strong = strong_colour(colour)
    assert contrast_ratio(strong, "#ffffff") >= 4.5
    assert contrast_ratio(colour, "#ffffff") < 4.5 or strong == colour


def test_it_computes_wcag_contrast_ratios():
    assert round(contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the known AA grey


def test_it_gives_every_label_value_its_strong_colour_in_the_page(as_alice, thread, corpus):
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    assert f".v{deny.pk}{{--c:#e03131;--c-strong:{strong_colour('#e03131')}}}" in body


def test_it_links_the_favicon(as_alice, thread):
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in body
