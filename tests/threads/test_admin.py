"""The admin for corpora, articles and comments: pages, the comment tree, merge and split."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import ArticleFactory, ClaimFactory, CommentFactory, CorpusFactory
from threads.models import Article, Comment


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


def make_threads(n: int, comments: int = 3) -> None:
    corpus = CorpusFactory()
    for _ in range(n):
        article = ArticleFactory(corpus=corpus)
        parent = None
        for i in range(comments):
            parent = CommentFactory(article=article, parent=parent if i % 2 else None)


@pytest.mark.parametrize("size", [2, 20])
def test_it_lists_corpora_in_bounded_queries(admin_client, django_assert_max_num_queries, size):
    for _ in range(size):
        make_threads(1)
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:threads_corpus_changelist"))
    assert response.status_code == 200


def test_it_shows_thread_and_comment_counts_per_corpus(admin_client):
    make_threads(3, comments=4)
    response = admin_client.get(reverse("admin:threads_corpus_changelist"))
    content = response.content.decode()
    assert '<td class="field-thread_count">3</td>' in content
    assert '<td class="field-comment_count">12</td>' in content


@pytest.mark.parametrize("size", [2, 30])
def test_it_lists_articles_in_bounded_queries(admin_client, django_assert_max_num_queries, size):
    make_threads(size)
    with django_assert_max_num_queries(9):
        response = admin_client.get(reverse("admin:threads_article_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 30])
def test_it_lists_comments_in_bounded_queries(admin_client, django_assert_max_num_queries, size):
    make_threads(size)
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:threads_comment_changelist"))
    assert response.status_code == 200


def test_it_searches_articles_by_corpus_slug(admin_client):
    ArticleFactory(title="Findable", corpus=CorpusFactory(slug="needle"))
    ArticleFactory(title="Other")
    response = admin_client.get(reverse("admin:threads_article_changelist"), {"q": "needle"})
    assert "Findable" in response.content.decode()
    assert "Other" not in response.content.decode()


def test_it_searches_comments_by_article_title(admin_client, thread):
    CommentFactory(text="Elsewhere.")
    response = admin_client.get(reverse("admin:threads_comment_changelist"), {"q": "A thread"})
    assert response.context["cl"].result_count == 4


def test_it_filters_comments_by_depth(admin_client, thread):
    response = admin_client.get(reverse("admin:threads_comment_changelist"), {"depth": 2})
    assert [c.external_id for c in response.context["cl"].result_list] == ["c3"]


def article_url(article: Article) -> str:
    return reverse("admin:threads_article_change", args=[article.pk])


def test_it_shows_the_comments_as_an_indented_tree(admin_client, thread):
    content = admin_client.get(article_url(thread["article"])).content.decode()
    c3 = thread["c3"]
    assert f'class="tree-comment d2" id="comment-{c3.pk}" data-depth="2"' in content
    assert "Deeper 𝕏 reply." in content
    order = [content.index(f'id="comment-{thread[n].pk}"') for n in ("c1", "c2", "c3", "c4")]
    assert order == sorted(order)


def test_it_escapes_comment_text_in_the_tree(admin_client, thread):
    Comment.objects.filter(pk=thread["c1"].pk).update(text="<script>alert(1)</script>")
    content = admin_client.get(article_url(thread["article"])).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize("size", [4, 60])
def test_it_reads_the_tree_in_bounded_queries(admin_client, django_assert_max_num_queries, size):
    article = ArticleFactory()
    parent = None
    for i in range(size):
        parent = CommentFactory(article=article, parent=parent if i % 3 else None)
    with django_assert_max_num_queries(10):
        response = admin_client.get(article_url(article))
    assert len(response.context["comment_tree"]) == size


def test_it_offers_merge_only_where_there_is_an_unannotated_previous_sibling(admin_client, thread):
    ClaimFactory(article=thread["article"], comment=thread["c1"])
    rows = {
        r.comment.external_id: r
        for r in admin_client.get(article_url(thread["article"])).context["comment_tree"]
    }
    assert not rows["c1"].can_merge  # first of its siblings
    assert not rows["c4"].can_merge  # c1 carries a claim
    assert rows["c1"].annotated and not rows["c4"].annotated


def merge_url(comment: Comment) -> str:
    return reverse("admin:threads_article_comment_merge", args=[comment.article_id, comment.pk])


def split_url(comment: Comment) -> str:
    return reverse("admin:threads_article_comment_split", args=[comment.article_id, comment.pk])


def test_it_merges_a_comment_from_the_tree(admin_client, thread):
    response = admin_client.post(merge_url(thread["c4"]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{thread['c1'].pk}")
    assert messages_of(response) == ["Merged comment c4 into c1."]
    assert not Comment.objects.filter(pk=thread["c4"].pk).exists()
    assert Comment.objects.get(pk=thread["c1"].pk).text == "First 😀 comment.\n\nSecond top-level."


def test_it_shows_a_refused_merge_as_a_message(admin_client, thread):
    ClaimFactory(article=thread["article"], comment=thread["c4"])
    response = admin_client.post(merge_url(thread["c4"]), follow=True)
    assert "c4 carries annotations" in response.content.decode()
    assert Comment.objects.filter(pk=thread["c4"].pk).exists()


def test_it_refuses_a_merge_by_get(admin_client, thread):
    assert admin_client.get(merge_url(thread["c4"])).status_code == 405
    assert Comment.objects.filter(pk=thread["c4"].pk).exists()


def test_it_refuses_a_merge_without_a_csrf_token(admin_user, thread):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(merge_url(thread["c4"])).status_code == 403
    assert Comment.objects.filter(pk=thread["c4"].pk).exists()


def test_it_refuses_a_comment_of_another_thread(admin_client, thread):
    other = CommentFactory()
    url = reverse("admin:threads_article_comment_merge", args=[thread["article"].pk, other.pk])
    assert admin_client.post(url).status_code == 404


def test_it_refuses_merge_to_a_staff_user_without_change_permission(client, thread):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="staff", is_staff=True))
    assert client.post(merge_url(thread["c4"])).status_code == 403
    assert Comment.objects.filter(pk=thread["c4"].pk).exists()


def test_it_splits_a_comment_from_the_tree(admin_client, thread):
    Comment.objects.filter(pk=thread["c2"].pk).update(text="One.\n\nTwo.")
    content = admin_client.get(article_url(thread["article"])).content.decode()
    assert "Split at paragraph 2" in content
    response = admin_client.post(split_url(thread["c2"]), {"at_paragraph": "1"})
    assert response.status_code == 302
    assert "now comment c2-2" in messages_of(response)[0]
    new = Comment.objects.get(article=thread["article"], external_id="c2-2")
    assert (new.text, new.depth, new.position) == ("Two.", 1, 2)
    assert Comment.objects.get(pk=thread["c3"].pk).parent_id == new.pk


def test_it_shows_a_refused_split_as_a_message(admin_client, thread):
    Comment.objects.filter(pk=thread["c2"].pk).update(text="One.\n\nTwo.")
    ClaimFactory(article=thread["article"], comment=thread["c2"])
    response = admin_client.post(split_url(thread["c2"]), {"at_paragraph": "1"}, follow=True)
    assert "c2 carries annotations" in response.content.decode()
    assert Comment.objects.filter(article=thread["article"]).count() == 4


def test_it_hides_split_buttons_on_an_annotated_comment(admin_client, thread):
    Comment.objects.filter(pk=thread["c2"].pk).update(text="One.\n\nTwo.")
    ClaimFactory(article=thread["article"], comment=thread["c2"])
    content = admin_client.get(article_url(thread["article"])).content.decode()
    assert "Split at paragraph" not in content


def test_it_asks_for_a_paragraph_to_split_at(admin_client, thread):
    response = admin_client.post(split_url(thread["c2"]), {"at_paragraph": "x"})
    assert messages_of(response) == ["Choose the paragraph to split before."]


def comment_form(comment: Comment, **changes) -> dict:
    data = {
        "external_id": comment.external_id,
        "author": comment.author,
        "text": comment.text,
        "meta": "{}",
    }
    return {**data, **changes}


def test_it_edits_the_text_of_an_unannotated_comment(admin_client, thread):
    c2 = thread["c2"]
    url = reverse("admin:threads_comment_change", args=[c2.pk])
    response = admin_client.post(url, comment_form(c2, text="Fixed typo."))
    assert response.status_code == 302
    assert Comment.objects.get(pk=c2.pk).text == "Fixed typo."


def test_it_refuses_to_edit_the_text_of_an_annotated_comment(admin_client, thread):
    c2 = thread["c2"]
    ClaimFactory(article=thread["article"], comment=c2)
    url = reverse("admin:threads_comment_change", args=[c2.pk])
    response = admin_client.post(url, comment_form(c2, text="Sneaky edit."))
    assert response.status_code == 200
    assert "carries annotations" in response.content.decode()
    assert Comment.objects.get(pk=c2.pk).text == "A reply."


def test_it_keeps_the_tree_fields_read_only(admin_client, thread):
    c3 = thread["c3"]
    url = reverse("admin:threads_comment_change", args=[c3.pk])
    admin_client.post(url, comment_form(c3, depth="0", position="0", parent=""))
    c3.refresh_from_db()
    assert (c3.depth, c3.position, c3.parent_id) == (2, 2, thread["c2"].pk)


def test_it_adds_a_reply_through_the_service(admin_client, thread):
    response = admin_client.post(
        reverse("admin:threads_comment_add"),
        {
            "article": thread["article"].pk,
            "parent": thread["c1"].pk,
            "external_id": "late",
            "text": "A late reply.",
            "meta": "{}",
        },
    )
    assert response.status_code == 302
    new = Comment.objects.get(external_id="late")
    assert (new.depth, new.position) == (1, 3)
    assert Comment.objects.get(pk=thread["c4"].pk).position == 4


def test_it_refuses_a_parent_from_another_article(admin_client, thread):
    other = CommentFactory()
    response = admin_client.post(
        reverse("admin:threads_comment_add"),
        {
            "article": thread["article"].pk,
            "parent": other.pk,
            "external_id": "late",
            "text": "?",
            "meta": "{}",
        },
    )
    assert response.status_code == 200
    assert "same article" in response.content.decode()


def test_it_offers_no_comment_deletion(admin_client, thread):
    url = reverse("admin:threads_comment_delete", args=[thread["c4"].pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403


def change_form_data(response) -> dict:
    """The POST a browser would send back from an admin change page, inlines included."""
    data: dict = {}
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


def article_form(client, article: Article, **changes) -> dict:
    return {**change_form_data(client.get(article_url(article))), **changes}


def test_it_refuses_to_edit_an_annotated_article_body(admin_client, thread):
    article = thread["article"]
    ClaimFactory(article=article)
    response = admin_client.post(
        article_url(article), article_form(admin_client, article, body="Changed.")
    )
    assert response.status_code == 200
    assert "The body carries annotations" in response.content.decode()
    assert "Comments (4)" in response.content.decode()  # the tree stays on the page
    assert Article.objects.get(pk=article.pk).body == "Thesis 🚀 here."


def test_it_edits_the_title_of_an_annotated_article(admin_client, thread):
    article = thread["article"]
    ClaimFactory(article=article)
    response = admin_client.post(
        article_url(article), article_form(admin_client, article, title="Renamed")
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Renamed"


def test_it_edits_an_unannotated_article_body(admin_client, thread):
    article = thread["article"]
    response = admin_client.post(
        article_url(article), article_form(admin_client, article, body="Changed.")
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "Changed."
