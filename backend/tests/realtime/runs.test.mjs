// Shared code runs (`execution` events): the server relays a clean copy of
// one member's run to the room, checks shape, ownership, rate and size, and
// keeps each run with the session (GET /api/sessions/{id}/runs).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { io } from "socket.io-client";
import { sleep, startServer, withTimeout } from "./harness.mjs";

let server;
const clients = [];

before(async () => {
  server = await startServer({
    conformance: false,
    extraArgs: ["--log-level", "warn", "--rate-limits", "off"],
  });
});
after(async () => {
  for (const c of clients) c.close();
  await server.stop();
});

const once = (sock, event, ms = 5000) =>
  withTimeout(new Promise((resolve) => sock.once(event, resolve)), ms, event);

function connect() {
  const sock = io(server.http, { transports: ["websocket"], reconnection: false });
  clients.push(sock);
  return sock;
}

async function createSession() {
  const res = await fetch(`${server.http}/api/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  assert.equal(res.status, 201);
  return res.json();
}

async function room() {
  const s = await createSession();
  const a = connect();
  const b = connect();
  const ackA = await withTimeout(a.emitWithAck("join", { session_id: s.id, name: "Ada" }), 5000, "join");
  await withTimeout(b.emitWithAck("join", { session_id: s.id, name: "Bob" }), 5000, "join");
  return { s, a, b, ada: ackA.user.id };
}

/** The next `execution` event of the given type (earlier ones may still be in flight). */
const nextOf = (sock, type, ms = 5000) =>
  withTimeout(
    new Promise((resolve) => {
      const on = (e) => {
        if (e.type !== type) return;
        sock.off("execution", on);
        resolve(e);
      };
      sock.on("execution", on);
    }),
    ms,
    `execution ${type}`,
  );

const send = (sock, payload) => withTimeout(sock.emitWithAck("execution", payload), 5000, "execution ack");

async function runs(s) {
  const res = await fetch(`${server.http}/api/sessions/${s.id}/runs`);
  assert.equal(res.status, 200);
  return (await res.json()).runs;
}

async function waitForRuns(s, n) {
  for (let i = 0; i < 100; i++) {
    const list = await runs(s);
    if (list.length >= n) return list;
    await sleep(20);
  }
  throw new Error(`fewer than ${n} runs kept`);
}

describe("execution relay", () => {
  it("relays started with the runner's id and name", async () => {
    const { a, b, ada } = await room();
    const seen = once(b, "execution");
    assert.deepEqual(await send(a, { run_id: "r1", type: "started", language: "python" }), { ok: true });
    assert.deepEqual(await seen, { run_id: "r1", type: "started", language: "python", by: ada, name: "Ada" });
  });

  it("relays output of the active run", async () => {
    const { a, b, ada } = await room();
    await send(a, { run_id: "r1", type: "started", language: "javascript" });
    const seen = nextOf(b, "output");
    await send(a, { run_id: "r1", type: "output", stream: "stdout", text: "hi\n" });
    assert.deepEqual(await seen, { run_id: "r1", type: "output", stream: "stdout", text: "hi\n", by: ada });
  });

  it("relays finished with status, exit code, duration and error line", async () => {
    const { a, b, ada } = await room();
    await send(a, { run_id: "r1", type: "started", language: "javascript" });
    const seen = nextOf(b, "finished");
    await send(a, {
      run_id: "r1", type: "finished", status: "error", exit_code: 1, duration_ms: 12.7,
      error: { message: "ReferenceError: x is not defined", line: 3 },
    });
    assert.deepEqual(await seen, {
      run_id: "r1", type: "finished", status: "error", exit_code: 1, duration_ms: 12,
      error: { message: "ReferenceError: x is not defined", line: 3 }, by: ada,
    });
  });

  it("drops fields the protocol does not define", async () => {
    const { a, b, ada } = await room();
    const seen = once(b, "execution");
    await send(a, { run_id: "r1", type: "started", language: "python", by: "someone-else", html: "<b>" });
    assert.deepEqual(await seen, { run_id: "r1", type: "started", language: "python", by: ada, name: "Ada" });
  });

  it("refuses output for a run that was not started", async () => {
    const { a } = await room();
    const ack = await send(a, { run_id: "nope", type: "output", stream: "stdout", text: "x" });
    assert.equal(ack.error.code, "invalid_execution");
  });

  it("refuses output for another member's run", async () => {
    const { a, b } = await room();
    await send(a, { run_id: "r1", type: "started", language: "python" });
    const ack = await send(b, { run_id: "r1", type: "output", stream: "stdout", text: "forged" });
    assert.equal(ack.error.code, "invalid_execution");
  });

  it("refuses an unknown language", async () => {
    const { a } = await room();
    const ack = await send(a, { run_id: "r1", type: "started", language: "cobol" });
    assert.equal(ack.error.code, "invalid_execution");
  });

  it("refuses a run id with characters outside [A-Za-z0-9_-]", async () => {
    const { a } = await room();
    const ack = await send(a, { run_id: "<script>", type: "started", language: "python" });
    assert.equal(ack.error.code, "invalid_execution");
  });

  it("refuses an unknown status", async () => {
    const { a } = await room();
    await send(a, { run_id: "r1", type: "started", language: "python" });
    const ack = await send(a, { run_id: "r1", type: "finished", status: "great", exit_code: 0, duration_ms: 1 });
    assert.equal(ack.error.code, "invalid_execution");
  });

  it("refuses an event larger than 64 KiB", async () => {
    const { a } = await room();
    await send(a, { run_id: "r1", type: "started", language: "python" });
    const ack = await send(a, { run_id: "r1", type: "output", stream: "stdout", text: "x".repeat(70_000) });
    assert.equal(ack.error.code, "payload_too_large");
  });

  it("rate-limits a flood of events", async () => {
    const { a } = await room();
    await send(a, { run_id: "r1", type: "started", language: "python" });
    const acks = await Promise.all(
      Array.from({ length: 120 }, () => send(a, { run_id: "r1", type: "output", stream: "stdout", text: "x" })),
    );
    const limited = acks.filter((ack) => ack.error?.code === "rate_limited").length;
    assert.ok(limited >= 50, `only ${limited} of 120 rate limited`);
  });

  it("stops relaying a run's output after 1 MiB", async () => {
    const { a, b } = await room();
    await send(a, { run_id: "r1", type: "started", language: "python" });
    let relayed = 0;
    b.on("execution", (e) => {
      if (e.type === "output") relayed += e.text.length;
    });
    const chunk = "y".repeat(60_000);
    for (let i = 0; i < 20; i++) {
      await send(a, { run_id: "r1", type: "output", stream: "stdout", text: chunk });
      await sleep(40); // stay under the event rate
    }
    await send(a, { run_id: "r1", type: "finished", status: "ok", exit_code: 0, duration_ms: 5 });
    await sleep(100);
    assert.equal(relayed, 17 * 60_000);
  });

  it("tells the room a run ended when its runner leaves", async () => {
    const { a, b, ada } = await room();
    await send(a, { run_id: "r1", type: "started", language: "python" });
    const seen = nextOf(b, "finished");
    a.close();
    const ev = await seen;
    assert.deepEqual([ev.run_id, ev.type, ev.status, ev.exit_code, ev.by], ["r1", "finished", "interrupted", -1, ada]);
  });
});

describe("runs kept with the session", () => {
  it("keeps a finished run with its output", async () => {
    const { s, a, ada } = await room();
    await send(a, { run_id: "r1", type: "started", language: "python" });
    await send(a, { run_id: "r1", type: "output", stream: "stdout", text: "What is your name? " });
    await send(a, { run_id: "r1", type: "output", stream: "stdin", text: "Ada\n" });
    await send(a, { run_id: "r1", type: "output", stream: "stdout", text: "Hello, Ada\n" });
    await send(a, { run_id: "r1", type: "finished", status: "ok", exit_code: 0, duration_ms: 40 });
    const [run] = await waitForRuns(s, 1);
    assert.deepEqual(
      { ...run, started_at: undefined, finished_at: undefined },
      {
        run_id: "r1", language: "python", status: "ok", exit_code: 0, duration_ms: 40, truncated: false,
        output: [
          { stream: "stdout", text: "What is your name? " },
          { stream: "stdin", text: "Ada\n" },
          { stream: "stdout", text: "Hello, Ada\n" },
        ],
        by: { id: ada, name: "Ada" }, started_at: undefined, finished_at: undefined,
      },
    );
  });

  it("merges consecutive output of one stream", async () => {
    const { s, a } = await room();
    await send(a, { run_id: "r1", type: "started", language: "javascript" });
    await send(a, { run_id: "r1", type: "output", stream: "stdout", text: "a" });
    await send(a, { run_id: "r1", type: "output", stream: "stdout", text: "b" });
    await send(a, { run_id: "r1", type: "finished", status: "ok", exit_code: 0, duration_ms: 1 });
    const [run] = await waitForRuns(s, 1);
    assert.deepEqual(run.output, [{ stream: "stdout", text: "ab" }]);
  });

  it("keeps the first 64 KiB of output and marks the run truncated", async () => {
    const { s, a } = await room();
    await send(a, { run_id: "r1", type: "started", language: "javascript" });
    await send(a, { run_id: "r1", type: "output", stream: "stdout", text: "z".repeat(40_000) });
    await send(a, { run_id: "r1", type: "output", stream: "stdout", text: "z".repeat(40_000) });
    await send(a, { run_id: "r1", type: "finished", status: "ok", exit_code: 0, duration_ms: 1 });
    const [run] = await waitForRuns(s, 1);
    assert.deepEqual([run.output[0].text.length, run.truncated], [65_536, true]);
  });

  it("keeps an interrupted run when its runner leaves", async () => {
    const { s, a } = await room();
    await send(a, { run_id: "r1", type: "started", language: "python" });
    a.close();
    const [run] = await waitForRuns(s, 1);
    assert.deepEqual([run.run_id, run.status, run.exit_code], ["r1", "interrupted", -1]);
  });

  it("lists runs oldest first", async () => {
    const { s, a } = await room();
    for (const id of ["first", "second"]) {
      await send(a, { run_id: id, type: "started", language: "python" });
      await send(a, { run_id: id, type: "finished", status: "ok", exit_code: 0, duration_ms: 1 });
    }
    const list = await waitForRuns(s, 2);
    assert.deepEqual(list.map((r) => r.run_id), ["first", "second"]);
  });

  it("asks for the password of a protected session", async () => {
    const res = await fetch(`${server.http}/api/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: "hunter22" }),
    });
    const s = await res.json();
    const denied = await fetch(`${server.http}/api/sessions/${s.id}/runs`);
    assert.equal(denied.status, 401);
    const allowed = await fetch(`${server.http}/api/sessions/${s.id}/runs`, {
      headers: { "X-Session-Password": "hunter22" },
    });
    assert.deepEqual([allowed.status, await allowed.json()], [200, { runs: [] }]);
  });

  it("answers 404 for an unknown session", async () => {
    const res = await fetch(`${server.http}/api/sessions/9b2e4a52-5b1b-4a55-8f0e-3c1f2c9a7d10/runs`);
    assert.equal(res.status, 404);
  });
});
