"""The runner origin (--runner-port): static files only, with the headers that keep user code
off the network and let only the app frame it; the app learns its URL from /api/config."""
from __future__ import annotations

import http.client
import json
import socket

import pytest

from pairpad_harness import assert_error, send

RUNTIMES = {"javascript": {"bytes": 1234}, "python": {"bytes": 6_500_000}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def runner_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("runner")
    (root / "index.html").write_text("<!doctype html><title>runner</title>")
    (root / "runtimes.json").write_text(json.dumps(RUNTIMES))
    (root / "assets").mkdir()
    (root / "assets" / "main-abc123.js").write_text("console.log('runner');")
    (root / "pyodide" / "314.0.7").mkdir(parents=True)
    (root / "pyodide" / "314.0.7" / "pyodide.asm.wasm").write_bytes(b"\0asm\1\0\0\0")
    return root


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    (root / "index.html").write_text("<!doctype html><title>app</title>")
    return root


@pytest.fixture(scope="module")
def runner_server(runner_dir, app_dir):
    from pairpad_harness import Launcher
    launcher = Launcher()
    port = free_port()
    try:
        srv = launcher(extra_args=["--runner-port", str(port), "--runner-dir", str(runner_dir),
                                   "--static-dir", str(app_dir)])
        srv.runner_port = port
        yield srv
    finally:
        launcher.close()


def runner_get(srv, path: str, method: str = "GET", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.runner_port, timeout=10)
    try:
        return send(conn, method, path, headers={"Host": f"localhost:{srv.runner_port}",
                                                 **(headers or {})})
    finally:
        conn.close()


def app_get(srv, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        return send(conn, "GET", path, headers={"Host": f"localhost:{srv.port}"})
    finally:
        conn.close()


def test_runner_page_is_served(runner_server):
    reply = runner_get(runner_server, "/")
    assert reply.status == 200
    assert reply.raw == b"<!doctype html><title>runner</title>"


def test_runner_page_may_be_framed_only_by_the_app(runner_server):
    csp = runner_get(runner_server, "/").headers["Content-Security-Policy"]
    assert f"frame-ancestors http://localhost:{runner_server.port};" in csp
    assert runner_get(runner_server, "/").headers.get("X-Frame-Options") is None


def test_runner_csp_allows_network_only_to_itself(runner_server):
    csp = runner_get(runner_server, "/assets/main-abc123.js").headers["Content-Security-Policy"]
    directives = {d.strip().split(" ")[0]: d.strip().split(" ")[1:] for d in csp.split(";")}
    assert directives["default-src"] == ["'none'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["form-action"] == ["'none'"]


def test_runner_is_cross_origin_isolated(runner_server):
    headers = runner_get(runner_server, "/").headers
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_runner_asks_for_its_own_agent_cluster(runner_server):
    assert runner_get(runner_server, "/").headers["Origin-Agent-Cluster"] == "?1"


def test_runtime_files_are_same_origin_resources(runner_server):
    headers = runner_get(runner_server, "/pyodide/314.0.7/pyodide.asm.wasm").headers
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Content-Type"] == "application/wasm"


def test_versioned_runtime_files_are_immutable(runner_server):
    headers = runner_get(runner_server, "/pyodide/314.0.7/pyodide.asm.wasm").headers
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_runner_page_is_revalidated(runner_server):
    assert runner_get(runner_server, "/").headers["Cache-Control"] == "no-cache"


def test_runtime_manifest_is_revalidated(runner_server):
    assert runner_get(runner_server, "/runtimes.json").headers["Cache-Control"] == "no-cache"


def test_runner_origin_has_no_api(runner_server):
    assert_error(runner_get(runner_server, "/api/health"), 404, "not_found")


def test_runner_origin_has_no_app_routes(runner_server):
    assert_error(runner_get(runner_server, "/s/some-session"), 404, "not_found")


def test_runner_origin_refuses_writes(runner_server):
    reply = runner_get(runner_server, "/", method="POST")
    assert_error(reply, 405, "method_not_allowed")
    assert reply.headers["Allow"] == "GET, HEAD"


def test_runner_origin_stays_inside_its_directory(runner_server):
    assert_error(runner_get(runner_server, "/../../../../etc/passwd"), 404, "not_found")


def test_config_names_the_runner_url(runner_server):
    reply = app_get(runner_server, "/api/config")
    assert reply.status == 200
    assert reply.body == {"runner_url": f"http://localhost:{runner_server.runner_port}/"}


def test_app_pages_frame_only_the_runner(runner_server):
    csp = app_get(runner_server, "/").headers["Content-Security-Policy"]
    assert f"frame-src http://localhost:{runner_server.runner_port};" in csp


def test_app_is_cross_origin_isolated(runner_server):
    headers = app_get(runner_server, "/").headers
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_languages_in_the_runtime_manifest_are_runnable(runner_server):
    langs = {lang["id"]: lang for lang in app_get(runner_server, "/api/languages").body}
    assert (langs["python"]["runnable"], langs["python"]["runtime_bytes"]) == (True, 6_500_000)
    assert (langs["javascript"]["runnable"], langs["javascript"]["runtime_bytes"]) == (True, 1234)


def test_languages_missing_from_the_manifest_are_not_runnable(runner_server):
    langs = {lang["id"]: lang for lang in app_get(runner_server, "/api/languages").body}
    assert (langs["c"]["runnable"], langs["c"]["runtime_bytes"]) == (False, 0)


def test_without_runner_nothing_is_runnable(server):
    langs = server.request("GET", "/api/languages").body
    assert [lang["id"] for lang in langs if lang["runnable"]] == []


def test_without_runner_config_has_no_runner_url(server):
    assert server.request("GET", "/api/config").body == {"runner_url": None}


def test_configured_runner_url_is_announced(launch, app_dir):
    srv = launch(extra_args=["--runner-url", "https://run.example.com/",
                             "--static-dir", str(app_dir)])
    assert srv.request("GET", "/api/config").body == {"runner_url": "https://run.example.com/"}
    assert "frame-src https://run.example.com;" in \
        srv.request("GET", "/").headers["Content-Security-Policy"]
