"""CORS: --cors-origins allow-list, preflight answers."""
from __future__ import annotations

import pytest

from pairpad_harness import assert_error, header_list

ALLOWED = "http://a.example"
ALLOWED_2 = "http://b.example"
DISALLOWED = "http://evil.example"


def preflight(srv, path, origin, method="POST", req_headers="content-type"):
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if req_headers:
        headers["Access-Control-Request-Headers"] = req_headers
    return srv.request("OPTIONS", path, headers=headers)


@pytest.mark.parametrize("origin", [ALLOWED, ALLOWED_2])
def test_allowed_origin_gets_acao_and_vary(cors_server, origin):
    reply = cors_server.request("GET", "/api/health", headers={"Origin": origin})
    assert reply.status == 200
    assert reply.headers.get_all("Access-Control-Allow-Origin") == [origin]
    assert "origin" in {v.lower() for v in header_list(reply.headers, "Vary")}


def test_allowed_origin_on_create(cors_server):
    reply = cors_server.request("POST", "/api/sessions", body={}, headers={"Origin": ALLOWED})
    assert reply.status == 201
    assert reply.headers.get("Access-Control-Allow-Origin") == ALLOWED


def test_allowed_origin_on_error_response(cors_server):
    reply = cors_server.request("GET", "/api/nope", headers={"Origin": ALLOWED})
    assert reply.status == 404
    assert reply.headers.get("Access-Control-Allow-Origin") == ALLOWED
    assert "origin" in {v.lower() for v in header_list(reply.headers, "Vary")}


def test_disallowed_origin_gets_no_cors_headers(cors_server):
    reply = cors_server.request("GET", "/api/health", headers={"Origin": DISALLOWED})
    assert reply.headers.get("Access-Control-Allow-Origin") is None
    assert reply.headers.get("Access-Control-Allow-Credentials") is None


def test_no_origin_gets_no_acao(cors_server):
    reply = cors_server.request("GET", "/api/health")
    assert reply.status == 200
    assert reply.headers.get("Access-Control-Allow-Origin") is None


def test_origin_match_is_exact(cors_server):
    for origin in ("http://a.example.evil.example", "https://a.example", "http://a.example:8080",
                   "null"):
        reply = cors_server.request("GET", "/api/health", headers={"Origin": origin})
        assert reply.headers.get("Access-Control-Allow-Origin") is None, origin


def test_preflight_allowed_204(cors_server):
    reply = preflight(cors_server, "/api/sessions", ALLOWED)
    assert reply.status == 204
    assert reply.raw == b""
    assert reply.headers.get("Access-Control-Allow-Origin") == ALLOWED
    assert reply.headers.get("Access-Control-Allow-Methods") == "GET, POST, PATCH, DELETE, OPTIONS"
    assert reply.headers.get("Access-Control-Allow-Headers") == \
        "Content-Type, Authorization, X-Session-Password"
    assert reply.headers.get("Access-Control-Max-Age") == "600"
    assert "origin" in {v.lower() for v in header_list(reply.headers, "Vary")}


def test_preflight_allowed_on_session_path(cors_server):
    sid = cors_server.create({})["id"]
    reply = preflight(cors_server, f"/api/sessions/{sid}", ALLOWED_2, method="PATCH",
                      req_headers="authorization, content-type")
    assert reply.status == 204
    assert reply.headers.get("Access-Control-Allow-Origin") == ALLOWED_2
    assert reply.headers.get("Access-Control-Allow-Methods") == "GET, POST, PATCH, DELETE, OPTIONS"
    assert reply.headers.get("Access-Control-Allow-Headers") == \
        "Content-Type, Authorization, X-Session-Password"
    assert reply.headers.get("Access-Control-Max-Age") == "600"


def test_preflight_disallowed_403(cors_server):
    reply = preflight(cors_server, "/api/sessions", DISALLOWED)
    assert_error(reply, 403, "origin_not_allowed")
    assert reply.headers.get("Access-Control-Allow-Origin") is None


def test_preflight_has_security_headers(cors_server):
    reply = preflight(cors_server, "/api/sessions", ALLOWED)
    assert reply.headers.get("X-Content-Type-Options") == "nosniff"
    assert reply.headers.get("X-Frame-Options") == "DENY"


def test_without_cors_origins_no_acao(server):
    reply = server.request("GET", "/api/health", headers={"Origin": ALLOWED})
    assert reply.status == 200
    assert reply.headers.get("Access-Control-Allow-Origin") is None


def test_without_cors_origins_preflight_403(server):
    assert_error(preflight(server, "/api/sessions", ALLOWED), 403, "origin_not_allowed")
