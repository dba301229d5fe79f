"""GET /api/sessions/{id}: lookup, malformed ids, password protection."""
from __future__ import annotations

import http.client
import uuid

import pytest

from pairpad_harness import SESSION_KEYS, assert_error


def test_get_returns_session_object(server):
    created = server.create({"title": "Lookup", "language": "go"})
    status, headers, body = server.get_session(created["id"])
    assert status == 200
    assert headers.get("Content-Type", "").split(";")[0].strip() == "application/json"
    assert set(body) == SESSION_KEYS
    for key in SESSION_KEYS:
        assert body[key] == created[key], key


def test_get_never_returns_token_or_hash(server):
    created = server.create({})
    reply = server.get_session(created["id"])
    assert reply.status == 200
    assert created["interviewer_token"].encode() not in reply.raw
    assert b"interviewer_token" not in reply.raw
    assert b"password_hash" not in reply.raw


def test_get_unknown_id_404(server):
    assert_error(server.get_session(str(uuid.uuid4())), 404, "session_not_found")


@pytest.mark.parametrize("sid", [
    "not-a-uuid",
    "12345",
    "00000000-0000-0000-0000-000000000000",
    "zzzzzzzz-zzzz-4zzz-8zzz-zzzzzzzzzzzz",
    "6f1c1f9a-3d4b-4c2e-9a7b-1234567890ab-extra",
    "6f1c1f9a3d4b4c2e9a7b1234567890ab",
])
def test_get_malformed_id_404(server, sid):
    assert_error(server.get_session(sid), 404, "session_not_found")


def test_encoded_nul_in_path_is_refused_and_server_survives(server):
    # libwebsockets drops a request whose decoded path holds a NUL byte.
    try:
        reply = server.request("GET", "/api/sessions/ab%00cd")
        assert reply.status in (400, 404, 405)
    except (ConnectionError, OSError, http.client.HTTPException):
        pass
    assert server.request("GET", "/api/health").status == 200


def test_encoded_dot_segments_never_escape_the_static_root(server):
    # The HTTP library percent-decodes and normalises the path before routing,
    # so this lands outside /api (on the front-end fallback page); what
    # matters is that no file outside the static directory is ever served.
    reply = server.request("GET", "/api/sessions/..%2f..%2f..%2f..%2fetc%2fpasswd")
    assert b"root:" not in reply.raw
    assert reply.status in (200, 404)


def test_get_uppercase_id_is_malformed_404(server):
    created = server.create({})
    assert_error(server.get_session(created["id"].upper()), 404, "session_not_found")


# ---------------------------------------------------------------------------- password sessions

@pytest.fixture
def protected(server):
    return server.create({"title": "Secret", "password": "s3cret-pw"})


def test_password_session_without_credentials_401(server, protected):
    assert_error(server.get_session(protected["id"]), 401, "password_required")


def test_password_session_wrong_password_401(server, protected):
    assert_error(server.get_session(protected["id"], password="wrong"), 401, "invalid_password")


def test_password_session_empty_password_header_401(server, protected):
    reply = server.get_session(protected["id"], password="")
    assert reply.status == 401
    assert reply.body["error"]["code"] in ("invalid_password", "password_required")


def test_password_session_right_password_200(server, protected):
    status, _, body = server.get_session(protected["id"], password="s3cret-pw")
    assert status == 200
    assert set(body) == SESSION_KEYS
    assert body["id"] == protected["id"]
    assert body["title"] == "Secret"
    assert body["has_password"] is True


def test_password_session_bearer_token_200(server, protected):
    status, _, body = server.get_session(protected["id"], token=protected["interviewer_token"])
    assert status == 200
    assert body["id"] == protected["id"]
    assert body["has_password"] is True


def test_password_session_wrong_bearer_only_401_password_required(server, protected):
    assert_error(server.get_session(protected["id"], token="A" * 43), 401, "password_required")


def test_password_session_wrong_bearer_right_password_200(server, protected):
    status, _, body = server.get_session(protected["id"], password="s3cret-pw", token="A" * 43)
    assert status == 200
    assert body["id"] == protected["id"]


def test_password_session_body_never_contains_secrets(server, protected):
    for reply in (server.get_session(protected["id"], password="s3cret-pw"),
                  server.get_session(protected["id"], token=protected["interviewer_token"])):
        assert reply.status == 200
        assert b"password_hash" not in reply.raw
        assert b"s3cret-pw" not in reply.raw
        assert b"interviewer_token" not in reply.raw
        assert protected["interviewer_token"].encode() not in reply.raw
        assert "password" not in reply.body


def test_password_is_case_sensitive(server, protected):
    assert_error(server.get_session(protected["id"], password="S3CRET-PW"), 401,
                 "invalid_password")


def test_unicode_password(server):
    created = server.create({"password": "pässwörd-🔑"})
    # HTTP header values are bytes; send the UTF-8 form.
    conn = server.connection()
    try:
        conn.putrequest("GET", f"/api/sessions/{created['id']}")
        conn.putheader("X-Session-Password", "pässwörd-🔑".encode("utf-8"))
        conn.endheaders()
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200
    finally:
        conn.close()


def test_public_session_ignores_wrong_bearer(server):
    created = server.create({})
    status, _, body = server.get_session(created["id"], token="A" * 43)
    assert status == 200
    assert body["id"] == created["id"]
    assert body["has_password"] is False
