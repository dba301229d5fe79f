"""Fixtures for the Pairpad REST integration tests.

Environment:
  PAIRPAD_BIN      server binary (default: <repo>/backend/build/pairpad)
  PAIRPAD_TEST_DB  `sqlite` (default: a fresh sqlite:<tmpdir>/pairpad.db per server fixture) or a
                   postgres:// URL (a fresh database t_<random> is created per server fixture and
                   dropped afterwards), e.g. via scripts/with-postgres.sh.
"""
from __future__ import annotations

import pytest

from pairpad_harness import Launcher

CORS_ORIGINS = ("http://a.example", "http://b.example")


@pytest.fixture
def launch():
    """Factory: launch(rate_limits='off', extra_args=(), db=None) -> started PairpadServer.
    launch.db() makes a fresh database that several servers can share (restart tests)."""
    launcher = Launcher()
    try:
        yield launcher
    finally:
        launcher.close()


@pytest.fixture(scope="session")
def server():
    """The general-purpose server: rate limits off, no CORS origins, default sweep."""
    launcher = Launcher()
    try:
        yield launcher(rate_limits="off")
    finally:
        launcher.close()


@pytest.fixture(scope="session")
def cors_server():
    """A server with --cors-origins http://a.example,http://b.example."""
    launcher = Launcher()
    try:
        yield launcher(rate_limits="off", extra_args=["--cors-origins", ",".join(CORS_ORIGINS)])
    finally:
        launcher.close()


@pytest.fixture(scope="session")
def nosweep_server():
    """A server whose sweep practically never runs, so expired sessions stay (410, not 404)."""
    launcher = Launcher()
    try:
        yield launcher(rate_limits="off", extra_args=["--sweep-interval", "3600"])
    finally:
        launcher.close()
