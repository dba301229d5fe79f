"""PATCH and DELETE /api/sessions/{id}."""
from __future__ import annotations

import time
import uuid

import pytest

from pairpad_harness import SESSION_KEYS, assert_error, parse_ts


@pytest.fixture
def sess(server):
    return server.create({"title": "Original", "language": "javascript"})


# ---------------------------------------------------------------------------- PATCH auth

def test_patch_without_token_401_with_www_authenticate(server, sess):
    reply = server.patch(sess["id"], {"title": "x"}, token=None)
    assert_error(reply, 401, "token_required")
    www = reply.headers.get("WWW-Authenticate") or ""
    assert www.split()[0:1] == ["Bearer"], f"WWW-Authenticate: {www!r}"


def test_patch_non_bearer_authorization_401(server, sess):
    reply = server.request("PATCH", f"/api/sessions/{sess['id']}", body={"title": "x"},
                           headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_error(reply, 401, "token_required")
    assert (reply.headers.get("WWW-Authenticate") or "").startswith("Bearer")


def test_patch_wrong_token_403(server, sess):
    assert_error(server.patch(sess["id"], {"title": "x"}, token="A" * 43), 403, "invalid_token")


def test_patch_other_sessions_token_403(server, sess):
    other = server.create({})
    assert_error(server.patch(sess["id"], {"title": "x"}, token=other["interviewer_token"]),
                 403, "invalid_token")


def test_patch_password_header_is_not_enough(server):
    created = server.create({"password": "pw-123"})
    reply = server.request("PATCH", f"/api/sessions/{created['id']}", body={"title": "x"},
                           headers={"X-Session-Password": "pw-123"})
    assert_error(reply, 401, "token_required")


def test_patch_rejected_does_not_change(server, sess):
    server.patch(sess["id"], {"title": "hacked"}, token="A" * 43)
    assert server.get_session(sess["id"]).body["title"] == "Original"


# ---------------------------------------------------------------------------- PATCH fields

def test_patch_title(server, sess):
    status, _, body = server.patch(sess["id"], {"title": "Renamed"}, sess["interviewer_token"])
    assert status == 200
    assert set(body) == SESSION_KEYS
    assert body["title"] == "Renamed"
    assert body["language"] == "javascript"
    assert server.get_session(sess["id"]).body["title"] == "Renamed"


def test_patch_language(server, sess):
    status, _, body = server.patch(sess["id"], {"language": "rust"}, sess["interviewer_token"])
    assert status == 200
    assert body["language"] == "rust"
    assert body["title"] == "Original"
    assert server.get_session(sess["id"]).body["language"] == "rust"


def test_patch_set_password(server, sess):
    status, _, body = server.patch(sess["id"], {"password": "newpass"},
                                   sess["interviewer_token"])
    assert status == 200
    assert body["has_password"] is True
    assert_error(server.get_session(sess["id"]), 401, "password_required")
    assert server.get_session(sess["id"], password="newpass").status == 200


def test_patch_change_password(server):
    created = server.create({"password": "old-pass"})
    reply = server.patch(created["id"], {"password": "new-pass"}, created["interviewer_token"])
    assert reply.status == 200
    assert_error(server.get_session(created["id"], password="old-pass"), 401, "invalid_password")
    assert server.get_session(created["id"], password="new-pass").status == 200


def test_patch_password_null_removes(server):
    created = server.create({"password": "to-remove"})
    status, _, body = server.patch(created["id"], {"password": None},
                                   created["interviewer_token"])
    assert status == 200
    assert body["has_password"] is False
    reply = server.get_session(created["id"])
    assert reply.status == 200
    assert reply.body["has_password"] is False


def test_patch_ttl_sets_expires_at_from_now(server, sess):
    old_expires = parse_ts(sess["expires_at"])
    before = time.time()
    status, _, body = server.patch(sess["id"], {"ttl_seconds": 7 * 86400},
                                   sess["interviewer_token"])
    after = time.time()
    assert status == 200
    new_expires = parse_ts(body["expires_at"])
    assert new_expires > old_expires
    assert before + 7 * 86400 - 2 <= new_expires <= after + 7 * 86400 + 2
    assert body["created_at"] == sess["created_at"]
    assert server.get_session(sess["id"]).body["expires_at"] == body["expires_at"]


def test_patch_ttl_can_shorten(server, sess):
    before = time.time()
    status, _, body = server.patch(sess["id"], {"ttl_seconds": 60}, sess["interviewer_token"])
    assert status == 200
    assert abs(parse_ts(body["expires_at"]) - (before + 60)) <= 3


def test_patch_is_active_false(server, sess):
    status, _, body = server.patch(sess["id"], {"is_active": False}, sess["interviewer_token"])
    assert status == 200
    assert body["is_active"] is False
    assert server.get_session(sess["id"]).body["is_active"] is False


def test_patch_is_active_back_to_true(server, sess):
    server.patch(sess["id"], {"is_active": False}, sess["interviewer_token"])
    status, _, body = server.patch(sess["id"], {"is_active": True}, sess["interviewer_token"])
    assert status == 200
    assert body["is_active"] is True


def test_patch_several_fields_at_once(server, sess):
    status, _, body = server.patch(
        sess["id"], {"title": "Both", "language": "kotlin", "is_active": False},
        sess["interviewer_token"])
    assert status == 200
    assert (body["title"], body["language"], body["is_active"]) == ("Both", "kotlin", False)


def test_patch_empty_object_changes_nothing(server, sess):
    status, _, body = server.patch(sess["id"], {}, sess["interviewer_token"])
    assert status == 200
    for key in SESSION_KEYS:
        assert body[key] == sess[key], key


def test_patch_response_has_no_token(server, sess):
    reply = server.patch(sess["id"], {"title": "t"}, sess["interviewer_token"])
    assert reply.status == 200
    assert sess["interviewer_token"].encode() not in reply.raw
    assert b"password_hash" not in reply.raw


# ---------------------------------------------------------------------------- PATCH validation

@pytest.mark.parametrize("field", ["code", "id", "created_at", "has_password", "bogus"])
def test_patch_unknown_field_422(server, sess, field):
    assert_error(server.patch(sess["id"], {field: "x"}, sess["interviewer_token"]),
                 422, "unknown_field", field=field)


@pytest.mark.parametrize("field,value", [
    ("title", "t" * 201),
    ("title", 1),
    ("title", "a\u0001b"),
    ("language", "cobol"),
    ("password", ""),
    ("password", "p" * 129),
    ("password", 5),
    ("ttl_seconds", 59),
    ("ttl_seconds", 2592001),
    ("ttl_seconds", 60.5),
    ("ttl_seconds", "60"),
    ("is_active", "false"),
    ("is_active", 0),
    ("is_active", None),
    ("run_timeout_seconds", 0),
    ("run_timeout_seconds", 301),
    ("run_timeout_seconds", 2.5),
    ("run_timeout_seconds", "10"),
    ("run_timeout_seconds", None),
    ("run_settings", "x"),
    ("run_settings", {"java_flags": "-O2"}),
    ("run_settings", {"c_flags": 3}),
    ("run_settings", {"c_flags": "-O2\n-g"}),
    ("run_settings", {"cpp_flags": "x" * 501}),
    ("run_settings", {"sql_setup": "x" * 32769}),
])
def test_patch_invalid_field_422(server, sess, field, value):
    assert_error(server.patch(sess["id"], {field: value}, sess["interviewer_token"]),
                 422, "invalid_field", field=field)


def test_patch_body_not_object_422(server, sess):
    reply = server.request("PATCH", f"/api/sessions/{sess['id']}", raw=b"[]",
                           headers={"Content-Type": "application/json",
                                    "Authorization": f"Bearer {sess['interviewer_token']}"})
    assert_error(reply, 422, "invalid_body")


def test_patch_malformed_json_400(server, sess):
    reply = server.request("PATCH", f"/api/sessions/{sess['id']}", raw=b'{"title":',
                           headers={"Content-Type": "application/json",
                                    "Authorization": f"Bearer {sess['interviewer_token']}"})
    assert_error(reply, 400, "malformed_json")


def test_patch_wrong_content_type_415(server, sess):
    reply = server.request("PATCH", f"/api/sessions/{sess['id']}", raw=b"{}",
                           headers={"Content-Type": "text/plain",
                                    "Authorization": f"Bearer {sess['interviewer_token']}"})
    assert_error(reply, 415, "unsupported_media_type")


def test_patch_body_checked_before_existence(server):
    # Order: body/fields -> session exists -> credentials.
    assert_error(server.patch(str(uuid.uuid4()), {"bogus": 1}, token=None),
                 422, "unknown_field", field="bogus")


def test_patch_body_checked_before_credentials(server, sess):
    assert_error(server.patch(sess["id"], {"title": 7}, token=None),
                 422, "invalid_field", field="title")


def test_patch_unknown_session_404_before_credentials(server):
    assert_error(server.patch(str(uuid.uuid4()), {"title": "x"}, token=None),
                 404, "session_not_found")


def test_patch_malformed_id_404(server):
    assert_error(server.patch("not-a-uuid", {"title": "x"}, token="A" * 43),
                 404, "session_not_found")


# ---------------------------------------------------------------------------- DELETE

def test_delete_204_empty_body(server, sess):
    reply = server.delete(sess["id"], sess["interviewer_token"])
    assert reply.status == 204
    assert reply.raw == b""


def test_delete_then_get_404(server, sess):
    assert server.delete(sess["id"], sess["interviewer_token"]).status == 204
    assert_error(server.get_session(sess["id"]), 404, "session_not_found")


def test_delete_twice_404(server, sess):
    assert server.delete(sess["id"], sess["interviewer_token"]).status == 204
    assert_error(server.delete(sess["id"], sess["interviewer_token"]), 404, "session_not_found")


def test_delete_then_patch_404(server, sess):
    assert server.delete(sess["id"], sess["interviewer_token"]).status == 204
    assert_error(server.patch(sess["id"], {"title": "x"}, sess["interviewer_token"]),
                 404, "session_not_found")


def test_delete_without_token_401(server, sess):
    reply = server.delete(sess["id"], None)
    assert_error(reply, 401, "token_required")
    assert (reply.headers.get("WWW-Authenticate") or "").startswith("Bearer")
    assert server.get_session(sess["id"]).status == 200


def test_delete_wrong_token_403(server, sess):
    assert_error(server.delete(sess["id"], "A" * 43), 403, "invalid_token")
    assert server.get_session(sess["id"]).status == 200


def test_delete_unknown_404(server):
    assert_error(server.delete(str(uuid.uuid4()), "A" * 43), 404, "session_not_found")


def test_delete_password_session_with_token(server):
    created = server.create({"password": "pw-del"})
    assert server.delete(created["id"], created["interviewer_token"]).status == 204
    assert_error(server.get_session(created["id"], password="pw-del"), 404, "session_not_found")


def test_patch_run_timeout(server, sess):
    status, _, body = server.patch(sess["id"], {"run_timeout_seconds": 45},
                                   sess["interviewer_token"])
    assert (status, body["run_timeout_seconds"]) == (200, 45)


def test_patch_run_timeout_is_persisted(server, sess):
    server.patch(sess["id"], {"run_timeout_seconds": 300}, sess["interviewer_token"])
    assert server.get_session(sess["id"]).body["run_timeout_seconds"] == 300


def test_patch_run_timeout_needs_the_token(server, sess):
    assert_error(server.patch(sess["id"], {"run_timeout_seconds": 20}, None),
                 401, "token_required")


def test_run_settings_default_to_empty(server, sess):
    assert server.get_session(sess["id"]).body["run_settings"] == {}


def test_patch_run_settings(server, sess):
    settings = {"c_flags": "-O2 -std=c11", "cpp_flags": "-O2", "sql_setup": "CREATE TABLE t(x);"}
    status, _, body = server.patch(sess["id"], {"run_settings": settings}, sess["interviewer_token"])
    assert (status, body["run_settings"]) == (200, settings)


def test_patch_run_settings_replaces_the_object(server, sess):
    server.patch(sess["id"], {"run_settings": {"c_flags": "-O0"}}, sess["interviewer_token"])
    server.patch(sess["id"], {"run_settings": {"sql_setup": "SELECT 1;"}}, sess["interviewer_token"])
    assert server.get_session(sess["id"]).body["run_settings"] == {"sql_setup": "SELECT 1;"}


def test_run_settings_keep_32_kib_of_sql(server, sess):
    setup = "-- seed\n" + "x" * (32768 - 8)
    status, _, body = server.patch(sess["id"], {"run_settings": {"sql_setup": setup}},
                                   sess["interviewer_token"])
    assert (status, len(body["run_settings"]["sql_setup"])) == (200, 32768)
