"""Health, languages, routing errors, common headers, keep-alive."""
from __future__ import annotations

import pytest

from pairpad_harness import (LANGUAGE_IDS, SECURITY_HEADERS, assert_error, header_list, send)


# ---------------------------------------------------------------------------- health / languages

def test_health_ok(server):
    status, headers, body = server.request("GET", "/api/health")
    assert status == 200
    assert headers.get("Content-Type", "").split(";")[0].strip() == "application/json"
    assert body == {"status": "ok"}


def test_languages_lists_exactly_the_15_ids(server):
    status, _, body = server.request("GET", "/api/languages")
    assert status == 200
    assert isinstance(body, list)
    ids = [lang["id"] for lang in body]
    assert len(ids) == 15
    assert sorted(ids) == sorted(LANGUAGE_IDS)


def test_languages_entries_have_typed_fields(server):
    _, _, body = server.request("GET", "/api/languages")
    for lang in body:
        assert {"id", "name", "monaco", "extension", "runnable"} <= set(lang), lang
        assert isinstance(lang["id"], str) and lang["id"], lang
        assert isinstance(lang["name"], str) and lang["name"], lang
        assert isinstance(lang["monaco"], str) and lang["monaco"], lang
        assert isinstance(lang["extension"], str) and lang["extension"], lang
        assert isinstance(lang["runnable"], bool), lang


def test_languages_javascript_entry(server):
    _, _, body = server.request("GET", "/api/languages")
    js = next(lang for lang in body if lang["id"] == "javascript")
    assert js["name"] == "JavaScript"
    assert js["monaco"] == "javascript"
    assert js["extension"] == "js"


# ---------------------------------------------------------------------------- routing errors

@pytest.mark.parametrize("method,path", [
    ("GET", "/api/nope"),
    ("POST", "/api/nope"),
    ("GET", "/api/session"),
    ("GET", "/api/healthz"),
])
def test_unknown_route_is_404_not_found(server, method, path):
    body = {} if method == "POST" else None
    assert_error(server.request(method, path, body=body), 404, "not_found")


@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/api/health", {"GET"}),
    ("POST", "/api/health", {"GET"}),
    ("POST", "/api/languages", {"GET"}),
    ("GET", "/api/sessions", {"POST"}),
    ("PUT", "/api/sessions", {"POST"}),
    ("PUT", "/api/sessions/{sid}", {"GET", "PATCH", "DELETE"}),
    ("POST", "/api/sessions/{sid}", {"GET", "PATCH", "DELETE"}),
    ("POST", "/api/openapi.json", {"GET"}),
])
def test_wrong_method_is_405_with_allow(server, method, path, allowed):
    if "{sid}" in path:
        path = path.format(sid=server.create()["id"])
    reply = server.request(method, path, body={} if method in ("POST", "PUT") else None)
    assert_error(reply, 405, "method_not_allowed")
    allow = {m.upper() for m in header_list(reply.headers, "Allow")}
    assert allow, f"405 without Allow header: {reply!r}"
    assert allowed <= allow, f"Allow {allow} lacks {allowed - allow}"
    assert method not in allow


# ---------------------------------------------------------------------------- common headers

def _assert_security_headers(reply):
    for name, value in SECURITY_HEADERS.items():
        assert reply.headers.get(name) == value, f"{name}: {reply.headers.get(name)!r}"
    csp = reply.headers.get("Content-Security-Policy")
    assert csp and csp.strip(), f"Content-Security-Policy missing: {reply!r}"
    assert (reply.headers.get("X-Request-Id") or "").strip(), f"X-Request-Id missing: {reply!r}"


def test_security_headers_on_success(server):
    reply = server.request("GET", "/api/health")
    assert reply.status == 200
    _assert_security_headers(reply)


def test_security_headers_on_created(server):
    reply = server.request("POST", "/api/sessions", body={})
    assert reply.status == 201
    _assert_security_headers(reply)


def test_security_headers_on_404(server):
    reply = server.request("GET", "/api/nope")
    assert reply.status == 404
    _assert_security_headers(reply)


def test_security_headers_on_422(server):
    reply = server.request("POST", "/api/sessions", body={"bogus": 1})
    assert reply.status == 422
    _assert_security_headers(reply)


def test_security_headers_on_400(server):
    reply = server.request("POST", "/api/sessions", raw=b"{", headers={
        "Content-Type": "application/json"})
    assert reply.status == 400
    _assert_security_headers(reply)


def test_security_headers_on_docs(server):
    reply = server.request("GET", "/api/docs")
    assert reply.status == 200
    _assert_security_headers(reply)


def test_security_headers_on_openapi(server):
    reply = server.request("GET", "/api/openapi.json")
    assert reply.status == 200
    _assert_security_headers(reply)


@pytest.mark.parametrize("method,path,body", [
    ("GET", "/api/health", None),
    ("GET", "/api/languages", None),
    ("POST", "/api/sessions", {}),
    ("GET", "/api/nope", None),
])
def test_api_responses_are_no_store(server, method, path, body):
    reply = server.request(method, path, body=body)
    assert "no-store" in header_list(reply.headers, "Cache-Control"), reply


def test_request_ids_differ_between_requests(server):
    a = server.request("GET", "/api/health").headers.get("X-Request-Id")
    b = server.request("GET", "/api/health").headers.get("X-Request-Id")
    assert a and b and a != b


def test_error_response_also_has_request_id(server):
    reply = server.request("GET", "/api/sessions/not-a-uuid")
    assert reply.status == 404
    assert (reply.headers.get("X-Request-Id") or "").strip()


# ---------------------------------------------------------------------------- keep-alive

def test_keep_alive_several_requests_on_one_connection(server):
    conn = server.connection()
    try:
        r1 = send(conn, "GET", "/api/health")
        assert r1.status == 200
        sock = conn.sock
        assert sock is not None, "server closed the connection after the first response"
        r2 = send(conn, "POST", "/api/sessions", body={"title": "keep-alive"})
        assert r2.status == 201
        sid, token = r2.body["id"], r2.body["interviewer_token"]
        r3 = send(conn, "GET", f"/api/sessions/{sid}")
        assert r3.status == 200 and r3.body["title"] == "keep-alive"
        r4 = send(conn, "PATCH", f"/api/sessions/{sid}", body={"title": "still alive"},
                  headers={"Authorization": f"Bearer {token}"})
        assert r4.status == 200 and r4.body["title"] == "still alive"
        r5 = send(conn, "GET", "/api/nope")
        assert r5.status == 404
        r6 = send(conn, "DELETE", f"/api/sessions/{sid}",
                  headers={"Authorization": f"Bearer {token}"})
        assert r6.status == 204
        r7 = send(conn, "GET", "/api/languages")
        assert r7.status == 200
        assert conn.sock is sock, "the connection was not kept alive across requests"
    finally:
        conn.close()
