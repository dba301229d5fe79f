"""Concurrent requests from several client threads."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pairpad_harness import UUID4_RE, send


def test_concurrent_creates_all_succeed_with_distinct_ids(server):
    def create(i):
        reply = server.request("POST", "/api/sessions", body={"title": f"concurrent {i}"})
        return i, reply

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(create, range(50)))

    bad = [(i, r) for i, r in results if r.status != 201]
    assert not bad, f"{len(bad)} creates failed, first: {bad[0]!r}"
    ids = [r.body["id"] for _, r in results]
    tokens = [r.body["interviewer_token"] for _, r in results]
    assert len(set(ids)) == 50
    assert len(set(tokens)) == 50
    assert all(UUID4_RE.match(sid) for sid in ids)

    def fetch(item):
        i, reply = item
        return i, server.get_session(reply.body["id"])

    with ThreadPoolExecutor(max_workers=10) as pool:
        fetched = list(pool.map(fetch, results))
    for i, reply in fetched:
        assert reply.status == 200, reply
        assert reply.body["title"] == f"concurrent {i}"


def test_concurrent_keep_alive_connections(server):
    def worker(n):
        conn = server.connection()
        try:
            out = []
            for j in range(10):
                out.append(send(conn, "GET", "/api/health").status)
            return out
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = [s for lst in pool.map(worker, range(8)) for s in lst]
    assert statuses == [200] * 80


def test_concurrent_patches_to_one_session(server):
    created = server.create({})
    sid, token = created["id"], created["interviewer_token"]

    def patch(i):
        return server.patch(sid, {"title": f"title {i}"}, token)

    with ThreadPoolExecutor(max_workers=10) as pool:
        replies = list(pool.map(patch, range(30)))
    assert [r.status for r in replies] == [200] * 30
    final = server.get_session(sid)
    assert final.status == 200
    assert final.body["title"] in {f"title {i}" for i in range(30)}
