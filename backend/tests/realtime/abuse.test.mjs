// Malformed and hostile clients against the conformance server. Each abuse
// runs next to a well-behaved WebSocket client (the canary) that must keep
// getting its echo within 1 s, and is followed by a health check: an
// offender may only ever hurt its own connection.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  MAX_PAYLOAD,
  RawSocket,
  SocketBag,
  get,
  isSanitizerBuild,
  openPolling,
  openSocketIO,
  openWebSocket,
  pollUrl,
  post,
  rawTcpWebSocket,
  request,
  rssKiB,
  sleep,
  startServer,
  withTimeout,
  wsUrl,
} from "./harness.mjs";

// How far the server's RSS may grow above its warmed-up baseline during an
// abuse. ASan keeps freed memory in quarantine (256 MiB by default), so a
// sanitizer build gets a larger allowance.
const RSS_GROWTH_MIB = { release: 32, sanitizer: 384 };

let server;
let rssAllowanceKiB;
let baselineKiB;
const sockets = new SocketBag();

before(async () => {
  server = await startServer();
  rssAllowanceKiB =
    ((await isSanitizerBuild()) ? RSS_GROWTH_MIB.sanitizer : RSS_GROWTH_MIB.release) * 1024;
  // Warm up (first connections, lws pools) before taking the baseline.
  for (let i = 0; i < 20; i++) {
    const { socket } = await openWebSocket(server);
    socket.send("4warm");
    await socket.nextText();
    await socket.close();
  }
  baselineKiB = await rssKiB(server.pid);
});
after(async () => {
  await sockets.closeAll();
  await server?.stop();
});

/** Keeps a well-behaved client echoing every 50 ms until stop(). */
async function startCanary() {
  const { socket } = await openWebSocket(server, "engine.io", { autoPong: true });
  sockets.track(socket);
  const stats = { roundTrips: 0, maxMs: 0, failure: null };
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const t0 = Date.now();
      try {
        socket.send(`4canary${n}`);
        const reply = await socket.nextText(1000);
        if (reply !== `4canary${n}`) throw new Error(`canary got ${reply}`);
      } catch (e) {
        stats.failure = e;
        return;
      }
      stats.maxMs = Math.max(stats.maxMs, Date.now() - t0);
      stats.roundTrips++;
      await sleep(50);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await socket.close();
      return stats;
    },
  };
}

/** Samples the server's RSS every 50 ms until stop(); returns the peak. */
function startRssSampler() {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await rssKiB(server.pid));
      await sleep(50);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Math.max(peak, await rssKiB(server.pid));
    },
  };
}

/**
 * Runs `abuse` with a canary beside it, then checks that the canary never
 * waited more than 1 s, that the server's RSS stayed within the allowance
 * and that /api/health still answers 200.
 */
async function duringAbuse(abuse) {
  const canary = await startCanary();
  const rss = startRssSampler();
  try {
    await abuse();
  } finally {
    const stats = await canary.stop();
    const peak = await rss.stop();
    assert.equal(stats.failure, null, `canary failed: ${stats.failure}`);
    assert.ok(stats.roundTrips > 0, "the canary made no round trip");
    assert.ok(stats.maxMs < 1000, `canary waited ${stats.maxMs} ms`);
    assert.ok(
      peak - baselineKiB < rssAllowanceKiB,
      `RSS peaked at ${peak} KiB, baseline ${baselineKiB} KiB, allowance ${rssAllowanceKiB} KiB`,
    );
  }
  const health = await get(`${server.http}/api/health`);
  assert.equal(health.status, 200);
  assert.deepEqual(JSON.parse(health.text), { status: "ok" });
}

describe("oversized messages", () => {
  it("a WebSocket text message of exactly maxPayload bytes is echoed", async () => {
    await duringAbuse(async () => {
      const { socket } = await openWebSocket(server, "engine.io", { autoPong: true });
      sockets.track(socket);
      const msg = "4" + "a".repeat(MAX_PAYLOAD - 1);
      socket.send(msg);
      assert.equal(await socket.nextText(5000), msg);
    });
  });

  it("a WebSocket text message over maxPayload closes that connection with 1009", async () => {
    await duringAbuse(async () => {
      const { socket } = await openWebSocket(server, "engine.io", { autoPong: true });
      sockets.track(socket);
      socket.send("4" + "a".repeat(MAX_PAYLOAD));
      const { code } = await socket.waitClose(5000);
      assert.equal(code, 1009);
      assert.deepEqual(socket.queue, []);
    });
  });

  it("a binary WebSocket message over maxPayload closes that connection with 1009", async () => {
    await duringAbuse(async () => {
      const { socket } = await openWebSocket(server, "engine.io", { autoPong: true });
      sockets.track(socket);
      socket.send(Buffer.alloc(MAX_PAYLOAD + 1, 1));
      const { code } = await socket.waitClose(5000);
      assert.equal(code, 1009);
    });
  });

  it("an oversized message split into many fragments closes the connection", async () => {
    await duringAbuse(async () => {
      const raw = await rawTcpWebSocket(server, "/engine.io/?EIO=4&transport=websocket");
      raw.sock.resume();
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      raw.send(0x1, Buffer.concat([Buffer.from("4"), chunk]), { fin: false });
      for (let sent = chunk.length; sent <= MAX_PAYLOAD + chunk.length; sent += chunk.length)
        if (!raw.send(0x0, chunk, { fin: false })) break;
      await withTimeout(raw.closed, 5000, "close after an oversized fragmented message");
    });
  });

  it("a polling POST of exactly maxPayload bytes is accepted and echoed", async () => {
    await duringAbuse(async () => {
      const { sid } = await openPolling(server);
      const body = "4" + "a".repeat(MAX_PAYLOAD - 1);
      assert.equal((await post(pollUrl(server, "engine.io", sid), body)).status, 200);
      assert.equal((await get(pollUrl(server, "engine.io", sid))).text, body);
    });
  });

  it("a polling POST just over maxPayload gets 413 and ends the session", async () => {
    await duringAbuse(async () => {
      const { sid } = await openPolling(server);
      const res = await post(pollUrl(server, "engine.io", sid), "4" + "a".repeat(MAX_PAYLOAD));
      assert.equal(res.status, 413);
      const poll = await get(pollUrl(server, "engine.io", sid));
      assert.equal(poll.status, 400);
    });
  });

  // Bodies over 1 MiB are refused without being read: the server may close
  // the connection before the client has sent everything.
  it("a polling POST of 8 MB is refused (413 or reset) and ends the session", async () => {
    await duringAbuse(async () => {
      const { sid } = await openPolling(server);
      let status = "reset";
      try {
        status = (await post(pollUrl(server, "engine.io", sid), "4" + "a".repeat(8e6))).status;
      } catch {
        // the server may close before reading the whole body
      }
      assert.ok(status === 413 || status === "reset", `got ${status}`);
      const poll = await get(pollUrl(server, "engine.io", sid));
      assert.equal(poll.status, 400);
    });
  });

  it("a polling POST with more packets than allowed is refused and ends the session", async () => {
    await duringAbuse(async () => {
      const { sid } = await openPolling(server);
      const body = Array.from({ length: 10000 }, () => "6").join("\x1e");
      const res = await post(pollUrl(server, "engine.io", sid), body);
      assert.equal(res.status, 400);
      assert.equal((await get(pollUrl(server, "engine.io", sid))).status, 400);
    });
  });
});

describe("garbage closes only the offender", () => {
  /** Victims of each mount that must survive the offender. */
  async function victims() {
    const eio = await openWebSocket(server, "engine.io", { autoPong: true });
    const sio = await openSocketIO(server);
    sockets.track(eio.socket);
    sockets.track(sio.socket);
    return {
      async check() {
        eio.socket.send("4still-here");
        assert.equal(await eio.socket.nextText(1000), "4still-here");
        sio.socket.send('42["message","still-here"]');
        assert.equal(await sio.socket.nextText(1000), '42["message-back","still-here"]');
      },
    };
  }

  const wsGarbage = [
    ["an Engine.IO packet of unknown type", "engine.io", ["9"]],
    ["a non-packet text frame", "engine.io", ["abc"]],
    ["a Socket.IO packet with an object payload", "socket.io", ["40", "42{}"]],
    ["a Socket.IO packet with deep JSON nesting", "socket.io", ["40", `42["message",${"[".repeat(5000)}${"]".repeat(5000)}]`]],
    ["a Socket.IO binary event announcing 10^6 attachments", "socket.io", ["40", '451000000-["message"]']],
    ["a Socket.IO packet for a namespace of 10 kB", "socket.io", [`40/${"n".repeat(10000)},`]],
  ];
  for (const [what, mount, frames] of wsGarbage) {
    it(`WebSocket: ${what}`, async () => {
      await duringAbuse(async () => {
        const v = await victims();
        const { socket } = await openWebSocket(server, mount, { autoPong: true });
        sockets.track(socket);
        for (const f of frames) socket.send(f);
        await socket.waitClose(2000);
        await v.check();
      });
    });
  }

  const frameGarbage = [
    ["a text frame that is not UTF-8", (raw) => raw.send(0x1, Buffer.from([0x34, 0xff, 0xfe, 0xfd]))],
    ["an unmasked client frame", (raw) => raw.send(0x1, "4hello", { mask: false })],
    ["a frame with a reserved opcode", (raw) => raw.send(0x3, "4hello")],
    ["a continuation frame without a first fragment", (raw) => raw.send(0x0, "4hello")],
    ["a control frame longer than 125 bytes", (raw) => raw.send(0x9, Buffer.alloc(200))],
    ["random bytes", (raw) => raw.sock.write(randomBytes(4096))],
  ];
  for (const [what, act] of frameGarbage) {
    it(`WebSocket framing: ${what}`, async () => {
      await duringAbuse(async () => {
        const v = await victims();
        const raw = await rawTcpWebSocket(server, "/engine.io/?EIO=4&transport=websocket");
        raw.sock.resume();
        act(raw);
        await withTimeout(raw.closed, 3000, `close after ${what}`);
        await v.check();
      });
    });
  }

  it("HTTP: random bytes instead of a request close that TCP connection", async () => {
    await duringAbuse(async () => {
      const v = await victims();
      const net = await import("node:net");
      const sock = net.connect(server.port, "127.0.0.1");
      sock.on("error", () => {});
      sock.on("data", () => {});
      await new Promise((r) => sock.once("connect", r));
      sock.write(randomBytes(8192));
      await withTimeout(new Promise((r) => sock.once("close", r)), 40000, "close of the TCP connection");
      await v.check();
    });
  });

  it("polling: a garbage POST ends that session only", async () => {
    await duringAbuse(async () => {
      const v = await victims();
      const good = await openPolling(server);
      const bad = await openPolling(server);
      const res = await post(pollUrl(server, "engine.io", bad.sid), "\x00\xff garbage \x1e\x1e");
      assert.equal(res.status, 400);
      assert.equal((await get(pollUrl(server, "engine.io", bad.sid))).status, 400);
      assert.equal((await post(pollUrl(server, "engine.io", good.sid), "4ok")).status, 200);
      assert.equal((await get(pollUrl(server, "engine.io", good.sid))).text, "4ok");
      await v.check();
    });
  });
});

describe("backpressure", () => {
  it("a client that never reads is disconnected and the server's memory stays bounded", async () => {
    await duringAbuse(async () => {
      const raw = await rawTcpWebSocket(server, "/engine.io/?EIO=4&transport=websocket", {
        pause: true,
      });
      // Answer the heartbeat blindly (a pong without a ping is ignored), so
      // only the unread echoes can get this client disconnected.
      const pong = setInterval(() => raw.text("3"), 100);
      const msg = Buffer.concat([Buffer.from("4"), Buffer.alloc(64 * 1024, 0x62)]);
      let sentBytes = 0;
      const deadline = Date.now() + 20000;
      try {
        while (!raw.sock.destroyed && Date.now() < deadline) {
          // Keep our own send buffer small: the point is the server's.
          if (raw.sock.writableLength > 1024 * 1024) {
            await sleep(10);
            continue;
          }
          if (!raw.send(0x1, msg)) break;
          sentBytes += msg.length;
          if (sentBytes % (1024 * 1024) < msg.length) await sleep(1);
        }
        await withTimeout(raw.closed, Math.max(1000, deadline - Date.now()), "the server to drop the non-reading client");
      } finally {
        clearInterval(pong);
        raw.destroy();
      }
      // More than the server lets one connection queue before pausing it.
      assert.ok(sentBytes > 2 * 1024 * 1024, `only ${sentBytes} bytes were sent`);
    });
  });
});

describe("floods", () => {
  it("500 WebSocket connects and disconnects leave the server healthy", async () => {
    await duringAbuse(async () => {
      const one = async (i) => {
        const mount = i % 2 ? "engine.io" : "socket.io";
        const s = new RawSocket(wsUrl(server, mount));
        if (i % 5 === 0) {
          s.ws.terminate(); // gone before (or during) the handshake
          await s.closed;
          return;
        }
        const open = await s.nextText(5000);
        assert.equal(open[0], "0");
        await s.close();
      };
      for (let i = 0; i < 500; i += 50)
        await Promise.all(Array.from({ length: 50 }, (_, k) => one(i + k)));
      // New connections still work.
      const { socket } = await openWebSocket(server);
      socket.send("4after-flood");
      assert.equal(await socket.nextText(), "4after-flood");
      await socket.close();
    });
  });

  it("500 abandoned polling sessions are reaped and the server stays healthy", async () => {
    await duringAbuse(async () => {
      for (let i = 0; i < 500; i += 50)
        await Promise.all(
          Array.from({ length: 50 }, () => request(pollUrl(server, i % 100 ? "engine.io" : "socket.io"))),
        );
      await sleep(800); // pingInterval + pingTimeout: all of them are gone
      const { sid } = await openPolling(server);
      assert.equal((await post(pollUrl(server, "engine.io", sid), "4x")).status, 200);
    });
  });

  it("500 WebSocket connections held open at once are all served", async () => {
    await duringAbuse(async () => {
      const all = [];
      for (let i = 0; i < 500; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: 50 }, () => openWebSocket(server, "engine.io", { autoPong: true })),
        );
        all.push(...batch.map((b) => b.socket));
      }
      try {
        await Promise.all(
          all.map(async (s, i) => {
            s.send(`4n${i}`);
            assert.equal(await s.nextText(3000), `4n${i}`);
          }),
        );
      } finally {
        await Promise.all(all.map((s) => s.close()));
      }
    });
  });
});
