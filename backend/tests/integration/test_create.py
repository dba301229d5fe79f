"""POST /api/sessions: success shapes and every validation error."""
from __future__ import annotations

import json
import time

import pytest

from pairpad_harness import (CREATED_KEYS, TIMESTAMP_RE, TOKEN_RE, UUID4_RE, assert_error,
                             parse_ts)

JSON = {"Content-Type": "application/json"}


def post(server, body=None, raw=None, headers=None):
    return server.request("POST", "/api/sessions", body=body, raw=raw, headers=headers)


# ---------------------------------------------------------------------------- success

def test_create_defaults_status_and_location(server):
    status, headers, body = post(server, {})
    assert status == 201
    assert headers.get("Location") == f"/api/sessions/{body['id']}"
    assert headers.get("Content-Type", "").split(";")[0].strip() == "application/json"


def test_create_defaults_exact_keys(server):
    _, _, body = post(server, {})
    assert set(body) == CREATED_KEYS


def test_create_defaults_field_values(server):
    _, _, body = post(server, {})
    assert body["title"] == "Untitled session"
    assert body["language"] == "javascript"
    assert body["code"] == ""
    assert body["has_password"] is False
    assert body["is_active"] is True


def test_create_id_is_lowercase_uuid_v4(server):
    _, _, body = post(server, {})
    assert UUID4_RE.match(body["id"]), body["id"]


def test_create_token_is_43_char_base64url(server):
    _, _, body = post(server, {})
    assert TOKEN_RE.match(body["interviewer_token"]), body["interviewer_token"]


def test_create_tokens_and_ids_are_unique(server):
    a, b = post(server, {}).body, post(server, {}).body
    assert a["id"] != b["id"]
    assert a["interviewer_token"] != b["interviewer_token"]


def test_create_urls_use_host_header(server):
    _, _, body = post(server, {})
    base = f"http://{server.host_header}"
    assert body["join_url"] == f"{base}/s/{body['id']}"
    assert body["interviewer_url"] == f"{base}/s/{body['id']}#token={body['interviewer_token']}"


def test_create_urls_use_public_url_when_set(launch):
    srv = launch(extra_args=["--public-url", "https://pairpad.example"])
    body = srv.create({})
    assert body["join_url"] == f"https://pairpad.example/s/{body['id']}"
    assert body["interviewer_url"] == (
        f"https://pairpad.example/s/{body['id']}#token={body['interviewer_token']}")


def test_create_timestamps_rfc3339_utc_millis(server):
    _, _, body = post(server, {})
    assert TIMESTAMP_RE.match(body["created_at"]), body["created_at"]
    assert TIMESTAMP_RE.match(body["expires_at"]), body["expires_at"]


def test_create_created_at_is_now(server):
    before = time.time()
    _, _, body = post(server, {})
    after = time.time()
    assert before - 2 <= parse_ts(body["created_at"]) <= after + 2


def test_create_default_ttl_is_24h(server):
    _, _, body = post(server, {})
    delta = parse_ts(body["expires_at"]) - parse_ts(body["created_at"])
    assert abs(delta - 86400) <= 2, delta


def test_create_with_every_field(server):
    status, _, body = post(server, {"title": "Graph search", "language": "python",
                                    "password": "hunter2", "ttl_seconds": 3600})
    assert status == 201
    assert set(body) == CREATED_KEYS
    assert body["title"] == "Graph search"
    assert body["language"] == "python"
    assert body["has_password"] is True
    assert body["is_active"] is True
    assert body["code"] == ""
    delta = parse_ts(body["expires_at"]) - parse_ts(body["created_at"])
    assert abs(delta - 3600) <= 2, delta


def test_create_response_never_leaks_password(server):
    reply = post(server, {"password": "correct horse battery"})
    assert reply.status == 201
    assert b"correct horse battery" not in reply.raw
    assert b"password_hash" not in reply.raw


@pytest.mark.parametrize("lang", ["javascript", "typescript", "python", "c", "cpp", "java", "go",
                                  "csharp", "ruby", "rust", "sql", "lua", "php", "kotlin",
                                  "plaintext"])
def test_create_accepts_each_language(server, lang):
    status, _, body = post(server, {"language": lang})
    assert status == 201
    assert body["language"] == lang


def test_create_accepts_json_with_charset(server):
    reply = post(server, raw=b'{"title":"charset"}',
                 headers={"Content-Type": "application/json; charset=utf-8"})
    assert reply.status == 201, reply
    assert reply.body["title"] == "charset"


def test_create_accepts_absent_content_type(server):
    reply = post(server, raw=b'{"title":"no ctype"}')
    assert reply.status == 201, reply
    assert reply.body["title"] == "no ctype"


def test_create_empty_title_ok(server):
    status, _, body = post(server, {"title": ""})
    assert status == 201
    assert body["title"] == ""


def test_create_title_exactly_200_ok(server):
    status, _, body = post(server, {"title": "t" * 200})
    assert status == 201
    assert body["title"] == "t" * 200


def test_create_title_200_two_byte_code_points_ok(server):
    title = "é" * 200  # 400 bytes of UTF-8
    status, _, body = post(server, {"title": title})
    assert status == 201
    assert body["title"] == title


def test_create_title_200_four_byte_code_points_ok(server):
    title = "\U0001F600" * 200  # 800 bytes of UTF-8
    status, _, body = post(server, {"title": title})
    assert status == 201
    assert body["title"] == title


def test_create_title_raw_utf8_roundtrip(server):
    title = "Ünïcödé — 日本語 🚀"
    reply = post(server, raw=json.dumps({"title": title}, ensure_ascii=False).encode("utf-8"),
                 headers=JSON)
    assert reply.status == 201
    assert reply.body["title"] == title


def test_create_password_exactly_128_ok(server):
    status, _, body = post(server, {"password": "p" * 128})
    assert status == 201
    assert body["has_password"] is True


@pytest.mark.parametrize("ttl", [60, 2592000])
def test_create_ttl_bounds_ok(server, ttl):
    status, _, body = post(server, {"ttl_seconds": ttl})
    assert status == 201
    delta = parse_ts(body["expires_at"]) - parse_ts(body["created_at"])
    assert abs(delta - ttl) <= 2, delta


# ---------------------------------------------------------------------------- 422 field errors

@pytest.mark.parametrize("field", ["foo", "code", "id", "is_active", "interviewer_token",
                                   "Title"])
def test_create_unknown_field_422(server, field):
    assert_error(post(server, {field: "x"}), 422, "unknown_field", field=field)


@pytest.mark.parametrize("field,value", [
    ("title", 5),
    ("title", None),
    ("title", ["x"]),
    ("title", {"x": 1}),
    ("title", True),
    ("language", 1),
    ("language", None),
    ("password", 123),
    ("password", False),
    ("ttl_seconds", "3600"),
    ("ttl_seconds", True),
    ("ttl_seconds", None),
    ("ttl_seconds", [3600]),
])
def test_create_wrong_type_422(server, field, value):
    assert_error(post(server, {field: value}), 422, "invalid_field", field=field)


def test_create_password_null_rejected_on_create(server):
    # `password: null` is PATCH-only (removes the password).
    assert_error(post(server, {"password": None}), 422, "invalid_field", field="password")


def test_create_title_201_chars_422(server):
    assert_error(post(server, {"title": "t" * 201}), 422, "invalid_field", field="title")


def test_create_title_201_multibyte_code_points_422(server):
    assert_error(post(server, {"title": "é" * 201}), 422, "invalid_field", field="title")


@pytest.mark.parametrize("ch", ["\u0001", "\n", "\t", "\r", "\u001f", "\u007f"])
def test_create_title_control_char_422(server, ch):
    assert_error(post(server, {"title": f"a{ch}b"}), 422, "invalid_field", field="title")


@pytest.mark.parametrize("lang", ["cobol", "JavaScript", "", "js"])
def test_create_unknown_language_422(server, lang):
    assert_error(post(server, {"language": lang}), 422, "invalid_field", field="language")


def test_create_password_too_long_422(server):
    assert_error(post(server, {"password": "p" * 129}), 422, "invalid_field", field="password")


def test_create_password_empty_422(server):
    assert_error(post(server, {"password": ""}), 422, "invalid_field", field="password")


@pytest.mark.parametrize("ttl", [59, 0, -1, 2592001, 10 ** 12])
def test_create_ttl_out_of_range_422(server, ttl):
    assert_error(post(server, {"ttl_seconds": ttl}), 422, "invalid_field", field="ttl_seconds")


def test_create_ttl_non_integer_422(server):
    assert_error(post(server, {"ttl_seconds": 60.5}), 422, "invalid_field", field="ttl_seconds")


# ---------------------------------------------------------------------------- body-level errors

@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"1", b"null", b"true", b'[{"title":"a"}]'])
def test_create_body_not_object_422_invalid_body(server, raw):
    assert_error(post(server, raw=raw, headers=JSON), 422, "invalid_body")


@pytest.mark.parametrize("raw", [b"{", b'{"title":', b'{"title":"a",}', b"{'title':'a'}",
                                 b'{"title":"a"} x', b"nope", b'{"title":"a\\x"}'])
def test_create_malformed_json_400(server, raw):
    assert_error(post(server, raw=raw, headers=JSON), 400, "malformed_json")


@pytest.mark.parametrize("raw", [
    b'{"title":"\xff"}',               # invalid byte
    b'{"title":"\xc0\xaf"}',           # overlong encoding
    b'{"title":"\xed\xa0\x80"}',       # UTF-8-encoded surrogate
    b'{"title":"\xe2\x82"}',           # truncated sequence
])
def test_create_invalid_utf8_400(server, raw):
    assert_error(post(server, raw=raw, headers=JSON), 400, "malformed_json")


def test_create_nul_escape_400(server):
    assert_error(post(server, raw=b'{"title":"a\\u0000b"}', headers=JSON), 400, "malformed_json")


def test_create_body_over_64k_413(server):
    raw = json.dumps({"title": "a" * (64 * 1024)}).encode()
    assert len(raw) > 64 * 1024
    assert_error(post(server, raw=raw, headers=JSON), 413, "payload_too_large")


def test_create_body_exactly_64k_is_not_413(server):
    prefix, suffix = b'{"title":"', b'"}'
    raw = prefix + b"a" * (64 * 1024 - len(prefix) - len(suffix)) + suffix
    assert len(raw) == 64 * 1024
    # Accepted for size; rejected later because the title is too long.
    assert_error(post(server, raw=raw, headers=JSON), 422, "invalid_field", field="title")


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", "application/xml"])
def test_create_wrong_content_type_415(server, ctype):
    assert_error(post(server, raw=b"{}", headers={"Content-Type": ctype}), 415,
                 "unsupported_media_type")


def test_create_run_timeout_defaults_to_10_seconds(server):
    _, _, body = post(server, {})
    assert body["run_timeout_seconds"] == 10


def test_create_with_run_timeout(server):
    status, _, body = post(server, {"run_timeout_seconds": 1})
    assert (status, body["run_timeout_seconds"]) == (201, 1)


def test_create_run_timeout_out_of_range_422(server):
    assert_error(post(server, {"run_timeout_seconds": 0}), 422, "invalid_field",
                 field="run_timeout_seconds")


def test_create_run_timeout_overflow_names_the_field(server):
    reply = post(server, raw=b'{"run_timeout_seconds": 99999999999999999999999}',
                 headers={"Content-Type": "application/json"})
    assert_error(reply, 422, "invalid_field", field="run_timeout_seconds")
