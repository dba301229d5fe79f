"""GET /api/openapi.json and GET /api/docs."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

# Every documented endpoint, with the methods it must describe. Path parameters are compared
# by position only ({id} or {session_id} both match "{}").
REQUIRED = {
    "/api/health": {"get"},
    "/api/languages": {"get"},
    "/api/sessions": {"post"},
    "/api/sessions/{}": {"get", "patch", "delete"},
    "/api/openapi.json": {"get"},
}


def _norm(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


@pytest.fixture(scope="module")
def openapi(server):
    status, headers, body = server.request("GET", "/api/openapi.json")
    assert status == 200
    assert headers.get("Content-Type", "").split(";")[0].strip() == "application/json"
    assert isinstance(body, dict), "openapi.json is not a JSON object"
    return body


def _full_paths(doc: dict) -> dict[str, dict]:
    """Map normalised full paths (servers[0].url path prefix applied) to their path items."""
    prefix = ""
    servers = doc.get("servers") or []
    if servers and isinstance(servers[0], dict):
        prefix = urlsplit(servers[0].get("url", "")).path.rstrip("/")
    out = {}
    for path, item in (doc.get("paths") or {}).items():
        full = path if path.startswith("/api/") or path == "/api" else prefix + path
        out[_norm(full)] = item
    return out


def test_openapi_version_is_3_1(openapi):
    assert isinstance(openapi.get("openapi"), str)
    assert openapi["openapi"].startswith("3.1")


def test_openapi_has_info(openapi):
    assert isinstance(openapi.get("info"), dict)
    assert openapi["info"].get("title")
    assert openapi["info"].get("version")


@pytest.mark.parametrize("path", sorted(REQUIRED))
def test_openapi_describes_path_and_methods(openapi, path):
    paths = _full_paths(openapi)
    assert path in paths, f"{path} missing from openapi paths {sorted(paths)}"
    methods = {m.lower() for m in paths[path]}
    assert REQUIRED[path] <= methods, f"{path}: missing {REQUIRED[path] - methods}"


def test_docs_is_html(server):
    status, headers, body = server.request("GET", "/api/docs")
    assert status == 200
    assert headers.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"
    assert isinstance(body, bytes) and b"<html" in body.lower()


def test_docs_mentions_every_path(server, openapi):
    _, _, body = server.request("GET", "/api/docs")
    html = body.decode("utf-8")
    for path in openapi["paths"]:
        assert path in html, f"/api/docs does not mention {path}"


def test_openapi_document_validates_against_the_3_1_schema(server):
    from openapi_spec_validator import validate

    reply = server.request("GET", "/api/openapi.json")
    assert reply.status == 200
    validate(reply.body)  # raises on any violation of the OpenAPI 3.1 schema
