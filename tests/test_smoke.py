import pytest
from django.urls import reverse


def test_it_redirects_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("annotate:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_assigned_threads_on_home(client, thread, alice, django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("annotate:home"))
    assert response.status_code == 200
    assert "A thread" in response.content.decode()


@pytest.mark.parametrize("name", ["login"])
def test_it_serves_the_sign_in_page(client, db, name):
    assert client.get(reverse(name)).status_code == 200
