"""Process lifecycle: --help, signals, persistence across restarts."""
from __future__ import annotations

import signal
import subprocess

import pytest

from pairpad_harness import SESSION_KEYS, assert_error, pairpad_bin


def test_help_lists_the_options():
    binary = pairpad_bin()
    if not binary.exists():
        pytest.fail(f"pairpad binary not found at {binary}")
    proc = subprocess.run([str(binary), "--help"], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout + proc.stderr
    for opt in ("--host", "--port", "--runner-port", "--database-url", "--redis-url",
                "--static-dir", "--socketio-conformance", "--rate-limits"):
        assert opt in text, f"--help does not mention {opt}"


def test_sigterm_exits_zero(launch):
    srv = launch()
    assert srv.request("GET", "/api/health").status == 200
    srv.send_signal(signal.SIGTERM)
    code = srv.wait(5)
    assert code is not None, f"server still running 5 s after SIGTERM\n{srv.stderr_text()}"
    assert code == 0, f"exit status {code}\n{srv.stderr_text()}"


def test_sigint_exits_zero(launch):
    srv = launch()
    assert srv.request("GET", "/api/health").status == 200
    srv.send_signal(signal.SIGINT)
    code = srv.wait(5)
    assert code is not None, f"server still running 5 s after SIGINT\n{srv.stderr_text()}"
    assert code == 0, f"exit status {code}\n{srv.stderr_text()}"


def test_sigterm_with_idle_keepalive_connection_exits_zero(launch):
    srv = launch()
    conn = srv.connection()
    try:
        conn.request("GET", "/api/health")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200
        srv.send_signal(signal.SIGTERM)
        code = srv.wait(5)
    finally:
        conn.close()
    assert code == 0, f"exit status {code}\n{srv.stderr_text()}"


def test_data_survives_restart(launch):
    db = launch.db()
    first = launch(db=db)
    created = first.create({"title": "Persistent", "language": "java", "password": "keep-me"})
    patched = first.patch(created["id"], {"title": "Persistent 2", "is_active": False},
                          created["interviewer_token"])
    assert patched.status == 200
    gone = first.create({})
    assert first.delete(gone["id"], gone["interviewer_token"]).status == 204
    assert first.stop() == 0

    second = launch(db=db)
    status, _, body = second.get_session(created["id"], password="keep-me")
    assert status == 200
    assert set(body) == SESSION_KEYS
    for key in SESSION_KEYS:
        assert body[key] == patched.body[key], key
    assert_error(second.get_session(created["id"]), 401, "password_required")
    assert_error(second.get_session(created["id"], password="nope"), 401, "invalid_password")
    # The interviewer token still works after the restart.
    assert second.patch(created["id"], {"title": "After restart"},
                        created["interviewer_token"]).status == 200
    assert_error(second.get_session(gone["id"]), 404, "session_not_found")
