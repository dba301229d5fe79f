// Per-address throttles of the normal mode, on a server of their own (the
// buckets are per address and every test here shares 127.0.0.1).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { io } from "socket.io-client";
import { startServer, withTimeout } from "./harness.mjs";

let server;
const clients = [];

before(async () => {
  server = await startServer({ conformance: false, extraArgs: ["--log-level", "warn"] });
});
after(async () => {
  for (const c of clients) c.close();
  await server.stop();
});

function connect() {
  const sock = io(server.http, { transports: ["websocket"], reconnection: false });
  clients.push(sock);
  return sock;
}

async function createSession(body = {}) {
  const res = await fetch(`${server.http}/api/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201);
  return res.json();
}

const join = (sock, payload) => withTimeout(sock.emitWithAck("join", payload), 5000, "join ack");

describe("throttles", () => {
  it("throttles repeated wrong passwords from one address", async () => {
    const s = await createSession({ password: "right-one" });
    const sock = connect();
    const codes = [];
    for (let i = 0; i < 7; i++)
      codes.push((await join(sock, { session_id: s.id, name: "A", password: `guess${i}` })).error.code);
    assert.deepEqual(codes.slice(0, 5), Array(5).fill("invalid_password"));
    assert.deepEqual(codes.slice(5), ["rate_limited", "rate_limited"]);
  });

  it("throttles a burst of new connections from one address with 429", async () => {
    const statuses = [];
    for (let i = 0; i < 80; i++) {
      const res = await fetch(`${server.http}/socket.io/?EIO=4&transport=polling`);
      statuses.push(res.status);
      await res.text();
    }
    assert.ok(statuses.includes(429), "no 429 in 80 handshakes");
    assert.equal(statuses[0], 200);
  });
});
