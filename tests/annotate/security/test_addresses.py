"""The client address the lockout and the API throttle count by."""

from __future__ import annotations

from django.test import RequestFactory

from annotate.security.addresses import client_address


def request(forwarded: str | None = None):
    extra = {"REMOTE_ADDR": "10.9.9.9"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_it_takes_the_connections_address_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request("1.2.3.4")) == "10.9.9.9"


def test_it_takes_the_address_one_trusted_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request("6.6.6.6, 1.2.3.4")) == "1.2.3.4"


def test_it_ignores_what_the_client_wrote_left_of_the_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request("6.6.6.6, 1.2.3.4, 10.0.0.2")) == "1.2.3.4"


def test_it_falls_back_to_the_connection_when_the_header_is_short(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request("1.2.3.4")) == "10.9.9.9"
    assert client_address(request()) == "10.9.9.9"
