"""Process, database and HTTP helpers for the Pairpad integration tests.

Standard library only (http.client for HTTP). Imported by conftest.py and the test modules.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from email.message import Message
from pathlib import Path
from typing import Iterable, Mapping, Optional
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_BIN = REPO_ROOT / "backend" / "build" / "pairpad"
LISTEN_RE = re.compile(r"listening on http://[^\s:]+:(\d+)")
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
HTTP_TIMEOUT = 15.0

UUID4_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")

SESSION_KEYS = {"id", "title", "language", "code", "created_at", "expires_at",
                "has_password", "is_active", "run_timeout_seconds", "run_settings"}
CREATED_KEYS = SESSION_KEYS | {"interviewer_token", "join_url", "interviewer_url"}
LANGUAGE_IDS = ["javascript", "typescript", "python", "c", "cpp", "java", "go", "csharp",
                "ruby", "rust", "sql", "lua", "php", "kotlin", "plaintext"]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def pairpad_bin() -> Path:
    return Path(os.environ.get("PAIRPAD_BIN") or DEFAULT_BIN)


def db_setting() -> str:
    return os.environ.get("PAIRPAD_TEST_DB", "sqlite").strip() or "sqlite"


# --------------------------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------------------------

def parse_ts(value: str) -> float:
    """RFC 3339 UTC timestamp with milliseconds ('...T..:..:...mmmZ') -> epoch seconds."""
    assert isinstance(value, str) and TIMESTAMP_RE.match(value), \
        f"timestamp {value!r} is not RFC 3339 UTC with milliseconds"
    import calendar
    base, frac = value[:-1].split(".")
    t = time.strptime(base, "%Y-%m-%dT%H:%M:%S")
    return calendar.timegm(t) + int(frac) / 1000.0


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------

class Reply(tuple):
    """(status, headers, body) where body is parsed JSON when the response is JSON, else bytes.

    Extra attribute `raw` holds the undecoded body bytes.
    """

    def __new__(cls, status: int, headers: Message, body, raw: bytes):
        self = super().__new__(cls, (status, headers, body))
        self.raw = raw
        return self

    @property
    def status(self) -> int:
        return self[0]

    @property
    def headers(self) -> Message:
        return self[1]

    @property
    def body(self):
        return self[2]

    def __repr__(self) -> str:  # readable assertion failures
        return (f"Reply(status={self[0]}, headers={dict(self[1].items())!r}, "
                f"body={self.raw[:2000]!r})")


def _decode(headers: Message, raw: bytes):
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if raw and (ctype == "application/json" or ctype.endswith("+json")):
        try:
            return json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return raw
    return raw


def send(conn: http.client.HTTPConnection, method: str, path: str, body=None,
         headers: Optional[Mapping[str, str]] = None, raw: Optional[bytes] = None) -> Reply:
    """Send one request on an existing connection and read the whole response."""
    hdrs = dict(headers or {})
    payload = None
    if raw is not None:
        payload = raw
    elif body is not None:
        payload = json.dumps(body).encode("utf-8")
        if not any(k.lower() == "content-type" for k in hdrs):
            hdrs["Content-Type"] = "application/json"
    if payload is not None and not any(k.lower() == "content-length" for k in hdrs):
        hdrs["Content-Length"] = str(len(payload))
    try:
        conn.request(method, path, body=payload, headers=hdrs)
    except (BrokenPipeError, ConnectionResetError):
        # The server may answer (e.g. 413) before reading the whole body; read its answer.
        pass
    resp = conn.getresponse()
    data = resp.read()
    return Reply(resp.status, resp.headers, _decode(resp.headers, data), data)


def error_of(reply: Reply) -> dict:
    body = reply.body
    assert isinstance(body, dict), f"error body is not a JSON object: {reply!r}"
    assert set(body) == {"error"}, f"error body must be {{'error': ...}}: {reply!r}"
    err = body["error"]
    assert isinstance(err, dict), reply
    return err


def assert_error(reply: Reply, status: int, code: str, field: Optional[str] = None) -> dict:
    """Exact check of an error response: status, JSON content type, shape, code, field."""
    assert reply.status == status, f"expected {status} {code}, got {reply!r}"
    ctype = (reply.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    assert ctype == "application/json", f"error Content-Type {ctype!r}: {reply!r}"
    err = error_of(reply)
    assert err.get("code") == code, f"expected code {code!r}: {reply!r}"
    assert isinstance(err.get("message"), str) and err["message"], f"message missing: {reply!r}"
    if field is None:
        assert set(err) == {"code", "message"}, f"unexpected error keys: {reply!r}"
    else:
        assert set(err) == {"code", "message", "field"}, f"error keys: {reply!r}"
        assert err["field"] == field, f"expected field {field!r}: {reply!r}"
    return err


def header_list(headers: Message, name: str) -> list[str]:
    """All comma-separated tokens of (possibly repeated) header `name`, stripped."""
    out: list[str] = []
    for value in headers.get_all(name) or []:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


# --------------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------------

def _psql(url: str, sql: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                          capture_output=True, text=True, timeout=60)
    if check and proc.returncode != 0:
        raise RuntimeError(f"psql {sql!r} failed ({proc.returncode}): {proc.stderr}")
    return proc


class TestDatabase:
    """A fresh database for one server fixture: SQLite file in a temp dir or a new PG database."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        setting = db_setting()
        self.dropped = False
        if setting == "sqlite":
            self.kind = "sqlite"
            self.tmpdir = tempfile.mkdtemp(prefix="pairpad-it-db-")
            self.path = os.path.join(self.tmpdir, "pairpad.db")
            self.url = f"sqlite:{self.path}"
        elif setting.startswith(("postgres://", "postgresql://")):
            self.kind = "postgres"
            self.tmpdir = None
            self.admin_url = setting
            self.name = "t_" + uuid.uuid4().hex[:16]
            _psql(setting, f"CREATE DATABASE {self.name}")
            parts = urlsplit(setting)
            self.url = urlunsplit((parts.scheme, parts.netloc, "/" + self.name, parts.query,
                                   parts.fragment))
        else:
            raise RuntimeError(f"PAIRPAD_TEST_DB must be 'sqlite' or a postgres:// URL, "
                               f"not {setting!r}")

    def expire(self, session_id: str, seconds_ago: int = 60) -> None:
        """Move a session's expires_at into the past, directly in the database."""
        if self.kind == "sqlite":
            import sqlite3
            ms = int((time.time() - seconds_ago) * 1000)
            con = sqlite3.connect(self.path, timeout=10)
            try:
                cur = con.execute("UPDATE sessions SET expires_at = ? WHERE id = ?",
                                  (ms, session_id))
                con.commit()
                n = cur.rowcount
                if n != 1:
                    schema = con.execute(
                        "SELECT sql FROM sqlite_master WHERE name = 'sessions'").fetchall()
                    raise AssertionError(f"expected to expire 1 row of sessions, updated {n}; "
                                         f"schema: {schema}")
            finally:
                con.close()
        else:
            proc = _psql(
                self.url,
                f"UPDATE sessions SET expires_at = now() - interval '{int(seconds_ago)} seconds'"
                f" WHERE id = '{session_id}'")
            assert "UPDATE 1" in proc.stdout, f"expected UPDATE 1, psql said {proc.stdout!r}"

    def drop(self) -> None:
        if self.dropped:
            return
        self.dropped = True
        if self.kind == "sqlite":
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        else:
            _psql(self.admin_url, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)",
                  check=False)


def server_env() -> dict:
    """The test process's environment minus the variables pairpad reads as option defaults,
    so only the command line configures the server under test."""
    env = dict(os.environ)
    for key in list(env):
        if (key.startswith("PAIRPAD_") and key not in ("PAIRPAD_BIN", "PAIRPAD_TEST_DB")) \
                or key in ("DATABASE_URL", "REDIS_URL"):
            del env[key]
    return env


# --------------------------------------------------------------------------------------------
# Server process
# --------------------------------------------------------------------------------------------

class PairpadServer:
    """One pairpad process on a free port."""

    def __init__(self, db: TestDatabase, rate_limits: str = "off",
                 extra_args: Iterable[str] = ()) -> None:
        self.db = db
        self.rate_limits = rate_limits
        self.extra_args = list(extra_args)
        self.proc: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self.host = "127.0.0.1"
        self.logdir = tempfile.mkdtemp(prefix="pairpad-it-srv-")
        self.stderr_path = os.path.join(self.logdir, "stderr.log")
        self.stdout_lines: list[str] = []
        self._stdout_thread: Optional[threading.Thread] = None
        self.returncode: Optional[int] = None

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def argv(self) -> list[str]:
        return [str(pairpad_bin()), "--host", self.host, "--port", "0", "--runner-port", "0",
                "--database-url", self.db.url, "--rate-limits", self.rate_limits,
                "--log-level", "info", *self.extra_args]

    def start(self) -> "PairpadServer":
        binary = pairpad_bin()
        if not binary.exists():
            pytest.fail(f"pairpad binary not found at {binary} (set PAIRPAD_BIN or build it)")
        self.stdout_lines = []
        self.returncode = None
        self._stderr_file = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._stderr_file,
                                     cwd=self.logdir, env=server_env(),
                                     start_new_session=True)
        port_found = threading.Event()

        def pump() -> None:
            assert self.proc and self.proc.stdout
            for raw_line in self.proc.stdout:
                line = raw_line.decode("utf-8", "replace")
                self.stdout_lines.append(line)
                if self.port is None or not port_found.is_set():
                    m = LISTEN_RE.search(line)
                    if m:
                        self.port = int(m.group(1))
                        port_found.set()
            port_found.set()  # EOF: wake the waiter

        self.port = None
        self._stdout_thread = threading.Thread(target=pump, daemon=True)
        self._stdout_thread.start()
        port_found.wait(START_TIMEOUT)
        if self.port is None:
            exited = self.proc.poll()
            self._kill()
            why = (f"exited with status {exited}" if exited is not None
                   else f"did not print 'listening on http://HOST:PORT' within {START_TIMEOUT}s")
            pytest.fail(f"pairpad {why}\nargv: {self.argv}\nstdout:\n{''.join(self.stdout_lines)}"
                        f"\nstderr:\n{self.stderr_text()}", pytrace=False)
        return self

    def stderr_text(self) -> str:
        try:
            with open(self.stderr_path, "rb") as f:
                data = f.read()
        except OSError:
            return ""
        return data[-20000:].decode("utf-8", "replace")

    def send_signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> Optional[int]:
        assert self.proc is not None
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.returncode

    def stop(self, sig: int = signal.SIGTERM) -> Optional[int]:
        """Signal the server and wait; kill it if it does not exit. Returns its exit status
        (negative signal number if it had to be killed)."""
        if self.proc is None:
            return self.returncode
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        self._kill()  # reaps; also removes anything left in the server's process group
        return self.returncode

    def _kill(self) -> None:
        if self.proc is not None:
            # Kill the server's process group (it leads its own session), so helpers it may
            # have spawned cannot outlive it or hold its stdout open.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
            self.returncode = self.proc.returncode
        self._finish()

    def _finish(self) -> None:
        if self.proc is None:
            return
        if self._stdout_thread is not None:
            self._stdout_thread.join(2)
        if self.proc.stdout and not (self._stdout_thread and self._stdout_thread.is_alive()):
            try:
                self.proc.stdout.close()
            except OSError:
                pass
        try:
            self._stderr_file.close()
        except Exception:
            pass
        self.proc = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.logdir, ignore_errors=True)

    # -- HTTP ----------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def host_header(self) -> str:
        return f"{self.host}:{self.port}"

    def connection(self, timeout: float = HTTP_TIMEOUT) -> http.client.HTTPConnection:
        assert self.port is not None, "server not started"
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method: str, path: str, body=None,
                headers: Optional[Mapping[str, str]] = None,
                raw: Optional[bytes] = None) -> Reply:
        """One request on a fresh connection. `body` is JSON-encoded (adding
        Content-Type: application/json unless given); `raw` is sent as-is."""
        conn = self.connection()
        try:
            return send(conn, method, path, body=body, headers=headers, raw=raw)
        finally:
            conn.close()

    # -- API conveniences ------------------------------------------------------------------------
    def create(self, body=None, headers=None, expect: int = 201) -> dict:
        reply = self.request("POST", "/api/sessions", body={} if body is None else body,
                             headers=headers)
        assert reply.status == expect, f"create session: {reply!r}"
        return reply.body

    def get_session(self, sid: str, password: Optional[str] = None,
                    token: Optional[str] = None) -> Reply:
        headers = {}
        if password is not None:
            headers["X-Session-Password"] = password
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.request("GET", f"/api/sessions/{sid}", headers=headers)

    def patch(self, sid: str, body, token: Optional[str]) -> Reply:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return self.request("PATCH", f"/api/sessions/{sid}", body=body, headers=headers)

    def delete(self, sid: str, token: Optional[str]) -> Reply:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return self.request("DELETE", f"/api/sessions/{sid}", headers=headers)


class Launcher:
    """Starts servers (and databases) for one fixture scope; cleans everything up."""

    def __init__(self) -> None:
        self.servers: list[PairpadServer] = []
        self.dbs: list[TestDatabase] = []

    def db(self) -> TestDatabase:
        db = TestDatabase()
        self.dbs.append(db)
        return db

    def __call__(self, rate_limits: str = "off", extra_args: Iterable[str] = (),
                 db: Optional[TestDatabase] = None) -> PairpadServer:
        if db is None:
            db = self.db()
        srv = PairpadServer(db, rate_limits=rate_limits, extra_args=extra_args)
        self.servers.append(srv)
        return srv.start()

    def close(self) -> None:
        errors = []
        for srv in reversed(self.servers):
            try:
                srv.cleanup()
            except Exception as exc:  # keep cleaning up the rest
                errors.append(exc)
        for db in reversed(self.dbs):
            try:
                db.drop()
            except Exception as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
