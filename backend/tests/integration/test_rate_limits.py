"""Per-address rate limits (each test gets its own server with --rate-limits on)."""
from __future__ import annotations

import pytest

from pairpad_harness import assert_error


@pytest.fixture
def limited(launch):
    return launch(rate_limits="on")


def _retry_after(reply) -> int:
    value = reply.headers.get("Retry-After")
    assert value is not None, f"429 without Retry-After: {reply!r}"
    assert value.strip().isdigit(), f"Retry-After {value!r} is not an integer"
    return int(value)


def test_create_burst_of_10_then_429(limited):
    for i in range(10):
        reply = limited.request("POST", "/api/sessions", body={})
        assert reply.status == 201, f"create #{i + 1}: {reply!r}"
    reply = limited.request("POST", "/api/sessions", body={})
    assert_error(reply, 429, "rate_limited")
    assert 1 <= _retry_after(reply) <= 6


def test_rate_limits_off_allows_more_than_burst(server):
    for i in range(15):
        reply = server.request("POST", "/api/sessions", body={})
        assert reply.status == 201, f"create #{i + 1}: {reply!r}"


def test_password_attempts_burst_of_5_then_429_even_if_right(limited):
    created = limited.create({"password": "right-pw"})
    for i in range(5):
        reply = limited.get_session(created["id"], password="wrong-pw")
        assert_error(reply, 401, "invalid_password")
    reply = limited.get_session(created["id"], password="right-pw")
    assert_error(reply, 429, "rate_limited")
    assert 1 <= _retry_after(reply) <= 12


def test_successful_password_attempts_count_too(limited):
    created = limited.create({"password": "right-pw"})
    for i in range(5):
        assert limited.get_session(created["id"], password="right-pw").status == 200, i
    assert_error(limited.get_session(created["id"], password="right-pw"), 429, "rate_limited")


def test_requests_without_password_header_are_not_password_attempts(limited):
    created = limited.create({"password": "right-pw"})
    for _ in range(8):
        assert_error(limited.get_session(created["id"]), 401, "password_required")
    assert limited.get_session(created["id"], password="right-pw").status == 200


def test_bearer_requests_are_not_password_attempts(limited):
    created = limited.create({"password": "right-pw"})
    for _ in range(8):
        assert limited.get_session(created["id"], token=created["interviewer_token"]).status == 200
    assert limited.get_session(created["id"], password="right-pw").status == 200


def test_password_limit_does_not_block_creation(limited):
    created = limited.create({"password": "right-pw"})
    for _ in range(6):
        limited.get_session(created["id"], password="wrong-pw")
    assert limited.request("POST", "/api/sessions", body={}).status == 201


def test_creation_limit_does_not_block_reads(limited):
    created = limited.create({})
    for _ in range(12):
        limited.request("POST", "/api/sessions", body={})
    assert limited.get_session(created["id"]).status == 200
    assert limited.request("GET", "/api/health").status == 200
