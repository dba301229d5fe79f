"""Expired sessions answer 410 until the periodic sweep purges them (then 404)."""
from __future__ import annotations

import time

import pytest

from pairpad_harness import assert_error


@pytest.fixture
def server(nosweep_server):
    """Expiry tests use a server whose sweep will not purge the session mid-test."""
    return nosweep_server


def test_expired_get_410(server):
    created = server.create({})
    server.db.expire(created["id"])
    assert_error(server.get_session(created["id"]), 410, "session_expired")


def test_expired_patch_410(server):
    created = server.create({})
    server.db.expire(created["id"])
    assert_error(server.patch(created["id"], {"title": "x"}, created["interviewer_token"]),
                 410, "session_expired")


def test_expired_patch_ttl_cannot_revive(server):
    created = server.create({})
    server.db.expire(created["id"])
    assert_error(server.patch(created["id"], {"ttl_seconds": 3600}, created["interviewer_token"]),
                 410, "session_expired")
    assert_error(server.get_session(created["id"]), 410, "session_expired")


def test_expired_delete_410(server):
    created = server.create({})
    server.db.expire(created["id"])
    assert_error(server.delete(created["id"], created["interviewer_token"]),
                 410, "session_expired")


def test_expired_checked_before_credentials(server):
    created = server.create({"password": "pw-exp"})
    server.db.expire(created["id"])
    assert_error(server.get_session(created["id"]), 410, "session_expired")
    assert_error(server.patch(created["id"], {"title": "x"}, token=None), 410, "session_expired")


def test_not_yet_expired_is_200(server):
    created = server.create({"ttl_seconds": 60})
    assert server.get_session(created["id"]).status == 200


def test_sweep_purges_expired_session(launch):
    srv = launch(extra_args=["--sweep-interval", "1"])
    expired = srv.create({})
    alive = srv.create({})
    srv.db.expire(expired["id"])
    deadline = time.monotonic() + 5
    while True:
        reply = srv.get_session(expired["id"])
        if reply.status == 404:
            break
        assert reply.status == 410, f"expected 410 before the purge: {reply!r}"
        assert time.monotonic() < deadline, "expired session not purged within 5 s"
        time.sleep(0.2)
    assert_error(reply, 404, "session_not_found")
    assert srv.get_session(alive["id"]).status == 200
