// Engine.IO v4 conformance, written from the protocol specification
// (socketio/engine.io-protocol, v4) and the behaviours its official test
// suite checks. The transport-level behaviours run against both mounts of
// the conformance server: the bare echo server (/engine.io/) and the
// Engine.IO layer under Socket.IO (/socket.io/); the echo behaviours only
// against /engine.io/.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  MAX_PAYLOAD,
  PING_INTERVAL,
  PING_TIMEOUT,
  RawSocket,
  SocketBag,
  get,
  openPolling,
  openWebSocket,
  pollUrl,
  post,
  sleep,
  startServer,
  withTimeout,
  wsUrl,
} from "./harness.mjs";

let server;
const sockets = new SocketBag();

before(async () => {
  server = await startServer();
});
after(async () => {
  await sockets.closeAll();
  await server?.stop();
});

const OPEN_KEYS = ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"];

/** Parses an Engine.IO error body ({"code":n,"message":"…"}). */
const errorBody = (text) => JSON.parse(text);

/**
 * One request/response exchange proving the session works on `socket`:
 * on /engine.io/ an echo; on /socket.io/ the first exchange is the
 * namespace CONNECT, later ones a "message" event.
 */
async function roundTrip(mount, socket, i) {
  if (mount === "engine.io") {
    socket.send(`4hello${i}`);
    const [m] = await socket.nextPackets(1);
    assert.deepEqual(m, { binary: false, data: `4hello${i}` });
    return;
  }
  if (i === 0) {
    socket.send("40");
    const [connect, auth] = await socket.nextPackets(2);
    assert.match(connect.data, /^40\{"sid":"[^"]+"\}$/);
    assert.equal(auth.data, '42["auth",{}]');
    return;
  }
  socket.send(`42["message",${i}]`);
  const [m] = await socket.nextPackets(1);
  assert.equal(m.data, `42["message-back",${i}]`);
}

/** Completes the polling -> WebSocket upgrade of session sid. */
async function upgrade(mount, sid) {
  const ws = sockets.track(new RawSocket(wsUrl(server, mount, sid), { autoPong: true }));
  assert.equal(await ws.opened, true);
  ws.send("2probe");
  assert.equal(await ws.nextText(), "3probe");
  ws.send("5");
  return ws;
}

for (const mount of ["engine.io", "socket.io"]) {
  describe(`/${mount}/ handshake`, () => {
    it("polling: a GET without sid opens a session with the configured values", async () => {
      const res = await get(pollUrl(server, mount));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/plain; charset=UTF-8");
      assert.equal(res.text[0], "0");
      const open = JSON.parse(res.text.slice(1));
      assert.deepEqual(Object.keys(open).sort(), OPEN_KEYS);
      assert.equal(typeof open.sid, "string");
      assert.match(open.sid, /^[A-Za-z0-9_-]{16,}$/);
      assert.deepEqual(open.upgrades, ["websocket"]);
      assert.equal(open.pingInterval, PING_INTERVAL);
      assert.equal(open.pingTimeout, PING_TIMEOUT);
      assert.equal(open.maxPayload, MAX_PAYLOAD);
    });

    it("polling: every handshake gets a distinct sid", async () => {
      const a = await openPolling(server, mount);
      const b = await openPolling(server, mount);
      assert.notEqual(a.sid, b.sid);
    });

    for (const [what, query] of [
      ["no EIO", "transport=polling"],
      ["EIO=abc", "EIO=abc&transport=polling"],
      ["EIO=3", "EIO=3&transport=polling"],
    ]) {
      it(`polling: ${what} is refused with 400 "Unsupported protocol version"`, async () => {
        const res = await get(`${server.http}/${mount}/?${query}`);
        assert.equal(res.status, 400);
        assert.deepEqual(errorBody(res.text), { code: 5, message: "Unsupported protocol version" });
      });
    }

    for (const [what, query] of [
      ["no transport", "EIO=4"],
      ["transport=abc", "EIO=4&transport=abc"],
    ]) {
      it(`polling: ${what} is refused with 400 "Transport unknown"`, async () => {
        const res = await get(`${server.http}/${mount}/?${query}`);
        assert.equal(res.status, 400);
        assert.deepEqual(errorBody(res.text), { code: 0, message: "Transport unknown" });
      });
    }

    for (const method of ["POST", "PUT", "DELETE"]) {
      it(`polling: a handshake by ${method} is refused with 400`, async () => {
        const res = await (method === "POST"
          ? post(pollUrl(server, mount), "")
          : get(pollUrl(server, mount), { method }));
        assert.equal(res.status, 400);
        assert.deepEqual(errorBody(res.text), { code: 2, message: "Bad handshake method" });
      });
    }

    it("polling: an unknown sid is refused with 400 \"Session ID unknown\"", async () => {
      const res = await get(pollUrl(server, mount, "AAAAAAAAAAAAAAAAAAAAAA"));
      assert.equal(res.status, 400);
      assert.deepEqual(errorBody(res.text), { code: 1, message: "Session ID unknown" });
    });

    it("websocket: the first message is the open packet with no upgrades", async () => {
      const { socket, open, raw } = await openWebSocket(server, mount);
      sockets.track(socket);
      assert.equal(raw[0], "0");
      assert.deepEqual(Object.keys(open).sort(), OPEN_KEYS);
      assert.equal(typeof open.sid, "string");
      assert.deepEqual(open.upgrades, []);
      assert.equal(open.pingInterval, PING_INTERVAL);
      assert.equal(open.pingTimeout, PING_TIMEOUT);
      assert.equal(open.maxPayload, MAX_PAYLOAD);
    });

    for (const [what, query] of [
      ["no EIO", "transport=websocket"],
      ["EIO=abc", "EIO=abc&transport=websocket"],
      ["no transport", "EIO=4"],
      ["transport=abc", "EIO=4&transport=abc"],
      ["transport=polling", "EIO=4&transport=polling"],
      ["an unknown sid", "EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAAAA"],
    ]) {
      it(`websocket: ${what} is closed without an open packet`, async () => {
        const ws = sockets.track(new RawSocket(`${server.ws}/${mount}/?${query}`));
        await ws.waitClose();
        assert.deepEqual(ws.queue, []);
      });
    }
  });

  describe(`/${mount}/ CORS`, () => {
    it('polling responses allow any origin ("*")', async () => {
      const res = await get(pollUrl(server, mount), {
        headers: { Origin: "https://elsewhere.example" },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
    });

    it("error responses allow any origin too", async () => {
      const res = await get(`${server.http}/${mount}/?EIO=4&transport=abc`, {
        headers: { Origin: "https://elsewhere.example" },
      });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
    });

    it("a preflight OPTIONS is answered 204 with the allowed methods", async () => {
      const res = await get(pollUrl(server, mount), {
        method: "OPTIONS",
        headers: {
          Origin: "https://elsewhere.example",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "content-type",
        },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.match(res.headers.get("access-control-allow-methods"), /POST/);
    });

    it("a WebSocket from another origin is accepted", async () => {
      const socket = sockets.track(
        new RawSocket(wsUrl(server, mount), { headers: { Origin: "https://elsewhere.example" } }),
      );
      assert.equal((await socket.nextText())[0], "0");
    });
  });

  describe(`/${mount}/ heartbeat`, () => {
    it("polling: the server pings (\"2\") and a pong (\"3\") keeps the session, three times", async () => {
      const { sid } = await openPolling(server, mount);
      for (let i = 0; i < 3; i++) {
        const poll = await get(pollUrl(server, mount, sid));
        assert.equal(poll.status, 200);
        assert.equal(poll.text, "2");
        const pong = await post(pollUrl(server, mount, sid), "3");
        assert.equal(pong.status, 200);
        assert.equal(pong.text, "ok");
      }
    });

    it("polling: a session that does not answer the ping is closed", async () => {
      const { sid } = await openPolling(server, mount);
      await sleep(PING_INTERVAL + PING_TIMEOUT + 60);
      const res = await get(pollUrl(server, mount, sid));
      assert.equal(res.status, 400);
      assert.deepEqual(errorBody(res.text), { code: 1, message: "Session ID unknown" });
    });

    it("websocket: the server pings (\"2\") and a pong (\"3\") keeps the session, three times", async () => {
      const { socket } = await openWebSocket(server, mount);
      sockets.track(socket);
      for (let i = 0; i < 3; i++) {
        assert.equal(await socket.nextText(PING_INTERVAL + 500), "2");
        socket.send("3");
      }
      assert.equal(socket.isOpen, true);
    });

    it("websocket: a client that does not answer the ping is closed after pingTimeout", async () => {
      const { socket } = await openWebSocket(server, mount);
      sockets.track(socket);
      const start = Date.now();
      assert.equal(await socket.nextText(PING_INTERVAL + 500), "2");
      await socket.waitClose(PING_TIMEOUT + 1000);
      assert.ok(Date.now() - start >= PING_TIMEOUT - 20, "closed before pingTimeout elapsed");
    });
  });

  describe(`/${mount}/ close`, () => {
    it("polling: a close packet from the client answers the held GET with a noop and ends the session", async () => {
      const { sid } = await openPolling(server, mount);
      const held = get(pollUrl(server, mount, sid));
      await sleep(50); // let the GET be held before the close arrives
      const closeRes = await post(pollUrl(server, mount, sid), "1");
      assert.equal(closeRes.status, 200);
      const poll = await held;
      assert.equal(poll.status, 200);
      assert.equal(poll.text, "6");
      const after = await get(pollUrl(server, mount, sid));
      assert.equal(after.status, 400);
    });

    it("websocket: a close packet from the client closes the connection", async () => {
      const { socket } = await openWebSocket(server, mount);
      sockets.track(socket);
      socket.send("1");
      await socket.waitClose(1000);
    });
  });

  describe(`/${mount}/ upgrade`, () => {
    it("polling -> websocket: probe, the held GET gets a noop, then packets flow on the WebSocket", async () => {
      const { sid } = await openPolling(server, mount);
      const ws = sockets.track(new RawSocket(wsUrl(server, mount, sid), { autoPong: true }));
      assert.equal(await ws.opened, true);
      ws.send("2probe");
      assert.equal(await ws.nextText(), "3probe");
      const poll = await get(pollUrl(server, mount, sid));
      assert.equal(poll.status, 200);
      assert.equal(poll.text, "6");
      ws.send("5");
      await roundTrip(mount, ws, 0);
    });

    it("a GET held before the probe is released with a noop when the probe is answered", async () => {
      const { sid } = await openPolling(server, mount);
      const held = get(pollUrl(server, mount, sid));
      await sleep(50);
      const ws = sockets.track(new RawSocket(wsUrl(server, mount, sid), { autoPong: true }));
      assert.equal(await ws.opened, true);
      ws.send("2probe");
      assert.equal(await ws.nextText(), "3probe");
      const poll = await held;
      assert.equal(poll.status, 200);
      assert.equal(poll.text, "6");
    });

    it("after the upgrade, a polling request with the same sid is refused with 400", async () => {
      const { sid } = await openPolling(server, mount);
      const ws = await upgrade(mount, sid);
      await roundTrip(mount, ws, 0); // the upgrade has taken effect
      const res = await get(pollUrl(server, mount, sid));
      assert.equal(res.status, 400);
      await roundTrip(mount, ws, 1); // and the WebSocket still works
    });

    it("after the upgrade, a POST with the same sid is refused with 400", async () => {
      const { sid } = await openPolling(server, mount);
      const ws = await upgrade(mount, sid);
      await roundTrip(mount, ws, 0);
      const res = await post(pollUrl(server, mount, sid), "4x");
      assert.equal(res.status, 400);
      await roundTrip(mount, ws, 1);
    });

    it("a probe that sends something else than \"2probe\" is closed; polling goes on", async () => {
      const { sid } = await openPolling(server, mount);
      const ws = sockets.track(new RawSocket(wsUrl(server, mount, sid)));
      assert.equal(await ws.opened, true);
      ws.send("4hello");
      await ws.waitClose();
      const res = await post(pollUrl(server, mount, sid), "3");
      assert.equal(res.status, 200);
    });

    it("a probe that goes away before \"5\" leaves the polling session working", async () => {
      const { sid } = await openPolling(server, mount);
      const ws = sockets.track(new RawSocket(wsUrl(server, mount, sid)));
      assert.equal(await ws.opened, true);
      ws.send("2probe");
      assert.equal(await ws.nextText(), "3probe");
      await ws.close();
      await sleep(50);
      assert.equal((await post(pollUrl(server, mount, sid), "3")).status, 200);
      const poll = get(pollUrl(server, mount, sid));
      // A message goes out by polling again (echoed on /engine.io/, a
      // CONNECT reply on /socket.io/).
      await post(pollUrl(server, mount, sid), mount === "engine.io" ? "4after" : "40");
      assert.match((await poll).text, mount === "engine.io" ? /^4after$/ : /^40\{"sid":/);
    });

    it("a second probe while one is in progress is closed", async () => {
      const { sid } = await openPolling(server, mount);
      const ws = sockets.track(new RawSocket(wsUrl(server, mount, sid), { autoPong: true }));
      assert.equal(await ws.opened, true);
      const ws2 = sockets.track(new RawSocket(wsUrl(server, mount, sid)));
      await ws2.waitClose();
      ws.send("2probe");
      assert.equal(await ws.nextText(), "3probe");
      ws.send("5");
      await roundTrip(mount, ws, 0);
    });

    const echoOnly = mount === "engine.io" ? {} : { skip: "needs the echo server" };
    it("packets queued before the upgrade are delivered on the WebSocket", echoOnly, async () => {
      const { sid } = await openPolling(server, mount);
      await post(pollUrl(server, mount, sid), "4queued1\x1e4queued2");
      const ws = await upgrade(mount, sid);
      const packets = await ws.nextPackets(2);
      assert.deepEqual(packets.map((p) => p.data), ["4queued1", "4queued2"]);
    });

    it("after the upgrade, a second WebSocket with the same sid is closed", async () => {
      const { sid } = await openPolling(server, mount);
      const ws = await upgrade(mount, sid);
      await roundTrip(mount, ws, 0);
      const ws2 = sockets.track(new RawSocket(wsUrl(server, mount, sid)));
      await ws2.waitClose();
      assert.deepEqual(ws2.queue, []);
      await roundTrip(mount, ws, 1);
    });
  });
}

describe("/engine.io/ messages over polling", () => {
  it("echoes one plain-text packet", async () => {
    const { sid } = await openPolling(server);
    const push = await post(pollUrl(server, "engine.io", sid), "4hello");
    assert.equal(push.status, 200);
    assert.equal(push.text, "ok");
    const poll = await get(pollUrl(server, "engine.io", sid));
    assert.equal(poll.status, 200);
    assert.equal(poll.text, "4hello");
  });

  it("echoes several packets of one payload, separated by \\x1e", async () => {
    const { sid } = await openPolling(server);
    const body = "4test1\x1e4test2\x1e4test3";
    const push = await post(pollUrl(server, "engine.io", sid), body);
    assert.equal(push.status, 200);
    assert.equal(push.text, "ok");
    const poll = await get(pollUrl(server, "engine.io", sid));
    assert.equal(poll.text, body);
  });

  it("echoes a binary packet as \"b\" + base64 next to a text packet", async () => {
    const { sid } = await openPolling(server);
    const body = "4hello\x1ebAQIDBA==";
    const push = await post(pollUrl(server, "engine.io", sid), body);
    assert.equal(push.status, 200);
    const poll = await get(pollUrl(server, "engine.io", sid));
    assert.equal(poll.text, body);
  });

  it("an empty message is echoed as \"4\"", async () => {
    const { sid } = await openPolling(server);
    await post(pollUrl(server, "engine.io", sid), "4");
    const poll = await get(pollUrl(server, "engine.io", sid));
    assert.equal(poll.text, "4");
  });

  it("a held GET is answered as soon as a message arrives", async () => {
    const { sid } = await openPolling(server);
    const held = get(pollUrl(server, "engine.io", sid));
    await sleep(50);
    await post(pollUrl(server, "engine.io", sid), "4late");
    const poll = await held;
    assert.equal(poll.status, 200);
    assert.equal(poll.text, "4late");
  });

  it("an invalid packet is refused with 400 and ends the session", async () => {
    const { sid } = await openPolling(server);
    const push = await post(pollUrl(server, "engine.io", sid), "abc");
    assert.equal(push.status, 400);
    const poll = await get(pollUrl(server, "engine.io", sid));
    assert.equal(poll.status, 400);
  });

  it("invalid base64 in a binary packet is refused with 400 and ends the session", async () => {
    const { sid } = await openPolling(server);
    const push = await post(pollUrl(server, "engine.io", sid), "b!!!");
    assert.equal(push.status, 400);
    const poll = await get(pollUrl(server, "engine.io", sid));
    assert.equal(poll.status, 400);
  });

  it("a second concurrent GET gets 400, the first gets a close packet, the session ends", async () => {
    const { sid } = await openPolling(server);
    const first = get(pollUrl(server, "engine.io", sid));
    await sleep(50);
    const second = await get(pollUrl(server, "engine.io", sid, "&t=burst"));
    assert.equal(second.status, 400);
    const firstRes = await first;
    assert.equal(firstRes.status, 200);
    assert.equal(firstRes.text, "1");
    const after = await get(pollUrl(server, "engine.io", sid));
    assert.equal(after.status, 400);
  });

  it("an aborted GET ends the session", async () => {
    const { sid } = await openPolling(server);
    const controller = new AbortController();
    const aborted = fetch(pollUrl(server, "engine.io", sid), { signal: controller.signal }).catch(
      (e) => e,
    );
    await sleep(50);
    controller.abort();
    assert.equal((await aborted).name, "AbortError");
    await sleep(50); // the server sees the connection go away
    const res = await get(pollUrl(server, "engine.io", sid));
    assert.equal(res.status, 400);
  });
});

describe("/engine.io/ messages over WebSocket", () => {
  it("echoes a plain-text packet", async () => {
    const { socket } = await openWebSocket(server);
    sockets.track(socket);
    socket.send("4hello");
    assert.deepEqual(await socket.next(), { binary: false, data: "4hello" });
  });

  it("echoes a binary frame as a binary frame", async () => {
    const { socket } = await openWebSocket(server);
    sockets.track(socket);
    socket.send(Uint8Array.from([1, 2, 3, 4]));
    assert.deepEqual(await socket.next(), { binary: true, data: Buffer.from([1, 2, 3, 4]) });
  });

  it("keeps the order of many messages", async () => {
    const { socket } = await openWebSocket(server, "engine.io", { autoPong: true });
    sockets.track(socket);
    for (let i = 0; i < 100; i++) socket.send(`4m${i}`);
    for (let i = 0; i < 100; i++) assert.equal(await socket.nextText(), `4m${i}`);
  });

  it("an invalid packet closes the connection", async () => {
    const { socket } = await openWebSocket(server);
    sockets.track(socket);
    socket.send("abc");
    await withTimeout(socket.closed, 1000, "close after an invalid packet");
  });

  it("an open packet from the client closes the connection", async () => {
    const { socket } = await openWebSocket(server);
    sockets.track(socket);
    socket.send("0");
    await socket.waitClose(1000);
  });
});
