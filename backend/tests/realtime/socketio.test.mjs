// Socket.IO v5 conformance against the reference server at /socket.io/,
// written from the protocol specification (socketio/socket.io-protocol, v5)
// and the behaviours its official test suite checks. The reference server
// has the namespaces "/" and "/custom"; on connect it emits "auth" with the
// handshake's auth payload, answers "message" with "message-back" and acks
// "message-with-ack" with its arguments. (The Engine.IO layer under
// /socket.io/ is covered by engineio.test.mjs.)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CONNECT_TIMEOUT,
  PING_INTERVAL,
  SocketBag,
  get,
  openPolling,
  openSocketIO,
  openWebSocket,
  pollUrl,
  post,
  startServer,
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

const PH0 = '{"_placeholder":true,"num":0}';
const PH1 = '{"_placeholder":true,"num":1}';

/** An Engine.IO WebSocket on /socket.io/ that has not joined a namespace. */
async function engineSocket(opts = { autoPong: true }) {
  const { socket } = await openWebSocket(server, "socket.io", opts);
  return sockets.track(socket);
}

/** A socket connected to "/" (the "auth" event already consumed). */
async function connected() {
  const { socket } = await openSocketIO(server);
  return sockets.track(socket);
}

/** Asserts `text` is a CONNECT reply for nsp prefix ("40" or "40/custom,"). */
function assertConnectReply(text, prefix) {
  assert.ok(text.startsWith(prefix), `expected ${prefix}…, got ${text}`);
  const body = JSON.parse(text.slice(prefix.length));
  assert.deepEqual(Object.keys(body), ["sid"]);
  assert.equal(typeof body.sid, "string");
  assert.ok(body.sid.length > 0);
  return body.sid;
}

describe("connect", () => {
  it('"40" joins the main namespace: CONNECT with a sid, then the "auth" event with {}', async () => {
    const socket = await engineSocket();
    socket.send("40");
    assertConnectReply(await socket.nextText(), "40");
    assert.equal(await socket.nextText(), '42["auth",{}]');
  });

  it("the auth payload of CONNECT is handed to the namespace", async () => {
    const socket = await engineSocket();
    socket.send('40{"token":"123"}');
    assertConnectReply(await socket.nextText(), "40");
    assert.equal(await socket.nextText(), '42["auth",{"token":"123"}]');
  });

  it('"40/custom," joins the custom namespace', async () => {
    const socket = await engineSocket();
    socket.send("40/custom,");
    assertConnectReply(await socket.nextText(), "40/custom,");
    assert.equal(await socket.nextText(), '42/custom,["auth",{}]');
  });

  it("the custom namespace receives the auth payload too", async () => {
    const socket = await engineSocket();
    socket.send('40/custom,{"token":"abc"}');
    assertConnectReply(await socket.nextText(), "40/custom,");
    assert.equal(await socket.nextText(), '42/custom,["auth",{"token":"abc"}]');
  });

  it("each namespace of one connection gets its own sid", async () => {
    const socket = await engineSocket();
    socket.send("40");
    const main = assertConnectReply(await socket.nextText(), "40");
    await socket.nextText(); // auth
    socket.send("40/custom,");
    const custom = assertConnectReply(await socket.nextText(), "40/custom,");
    assert.notEqual(main, custom);
  });

  it("an unknown namespace is refused with CONNECT_ERROR \"Invalid namespace\"", async () => {
    const socket = await engineSocket();
    socket.send("40/random");
    assert.equal(await socket.nextText(), '44/random,{"message":"Invalid namespace"}');
  });

  it("after a refused namespace the connection can still join \"/\"", async () => {
    const socket = await engineSocket();
    socket.send("40/random");
    await socket.nextText();
    socket.send("40");
    assertConnectReply(await socket.nextText(), "40");
  });

  it("an invalid first packet (\"4abc\") closes the connection", async () => {
    const socket = await engineSocket();
    socket.send("4abc");
    await socket.waitClose(1000);
  });

  it("a connection that sends no CONNECT is closed after connectTimeout", async () => {
    const start = Date.now();
    const socket = await engineSocket({ autoPong: true }); // pings answered
    await socket.waitClose(CONNECT_TIMEOUT + 2000);
    const elapsed = Date.now() - start;
    assert.ok(elapsed >= CONNECT_TIMEOUT - 100, `closed after ${elapsed} ms`);
    assert.ok(socket.pings >= 2, "the heartbeat kept running until then");
  });
});

describe("disconnect", () => {
  it('"41" leaves the main namespace but the Engine.IO connection stays (next packet is a ping)', async () => {
    const { socket } = await openSocketIO(server, { autoPong: false });
    sockets.track(socket);
    socket.send("41");
    assert.equal(await socket.nextText(PING_INTERVAL + 500), "2");
    assert.equal(socket.isOpen, true);
  });

  it('after "41" a connection left without namespaces is closed after connectTimeout', async () => {
    const socket = await connected();
    const start = Date.now();
    socket.send("41");
    await socket.waitClose(CONNECT_TIMEOUT + 2000);
    assert.ok(Date.now() - start >= CONNECT_TIMEOUT - 100);
  });

  it("leaving a custom namespace keeps the main namespace working", async () => {
    const socket = await connected();
    socket.send("40/custom");
    assertConnectReply(await socket.nextText(), "40/custom,");
    assert.equal(await socket.nextText(), '42/custom,["auth",{}]');
    socket.send("41/custom");
    socket.send('42["message","message to main namespace"]');
    assert.equal(await socket.nextText(), '42["message-back","message to main namespace"]');
  });

  it("an event for a namespace the client has not joined is ignored", async () => {
    const socket = await connected();
    socket.send('42/custom,["message","lost"]');
    socket.send('42["message","kept"]');
    assert.equal(await socket.nextText(), '42["message-back","kept"]');
  });
});

describe("events", () => {
  it("\"message\" is answered with \"message-back\" and the same plain arguments", async () => {
    const socket = await connected();
    socket.send('42["message",1,"2",{"3":[true]}]');
    assert.equal(await socket.nextText(), '42["message-back",1,"2",{"3":[true]}]');
  });

  it("\"message\" with two binary attachments comes back with both attachments", async () => {
    const socket = await connected();
    socket.send(`452-["message",${PH0},${PH1}]`);
    socket.send(Uint8Array.from([1, 2, 3]));
    socket.send(Uint8Array.from([4, 5, 6]));
    const packets = await socket.nextPackets(3);
    assert.deepEqual(packets, [
      { binary: false, data: `452-["message-back",${PH0},${PH1}]` },
      { binary: true, data: Buffer.from([1, 2, 3]) },
      { binary: true, data: Buffer.from([4, 5, 6]) },
    ]);
  });

  it("an event with an ack id is acknowledged with its arguments", async () => {
    const socket = await connected();
    socket.send('42456["message-with-ack",1,"2",{"3":[false]}]');
    assert.equal(await socket.nextText(), '43456[1,"2",{"3":[false]}]');
  });

  it("a binary event with an ack id gets a BINARY_ACK with the attachments", async () => {
    const socket = await connected();
    socket.send(`452-789["message-with-ack",${PH0},${PH1}]`);
    socket.send(Uint8Array.from([1, 2, 3]));
    socket.send(Uint8Array.from([4, 5, 6]));
    const packets = await socket.nextPackets(3);
    assert.deepEqual(packets, [
      { binary: false, data: `462-789[${PH0},${PH1}]` },
      { binary: true, data: Buffer.from([1, 2, 3]) },
      { binary: true, data: Buffer.from([4, 5, 6]) },
    ]);
  });

  it("events on the custom namespace are answered on that namespace", async () => {
    const socket = await connected();
    socket.send("40/custom,");
    await socket.nextPackets(2); // CONNECT, auth
    socket.send('42/custom,12["message-with-ack","x"]');
    socket.send('42/custom,["message","y"]');
    assert.equal(await socket.nextText(), '43/custom,12["x"]');
    assert.equal(await socket.nextText(), '42/custom,["message-back","y"]');
  });

  it("over long-polling: connect, then a binary event round-trips as base64 records", async () => {
    const { sid } = await openPolling(server, "socket.io");
    const url = pollUrl(server, "socket.io", sid);
    assert.equal((await post(url, "40")).text, "ok");
    const records = [];
    while (records.length < 2) records.push(...(await get(url)).text.split("\x1e"));
    assert.equal(records.length, 2);
    assertConnectReply(records[0], "40");
    assert.equal(records[1], '42["auth",{}]');
    const push = await post(url, `451-["message",${PH0}]\x1ebAQID`);
    assert.equal(push.status, 200);
    const poll = await get(url);
    assert.equal(poll.text, `451-["message-back",${PH0}]\x1ebAQID`);
  });
});

describe("malformed packets close the connection", () => {
  for (const [what, frames] of [
    ["an unknown packet type (\"4abc\")", ["4abc"]],
    ["an event whose payload is not an array (\"42{}\")", ["42{}"]],
    ["an invalid ack id", ['42abc["message-with-ack",1,"2",{"3":[false]}]']],
    ["an event with an empty array", ["42[]"]],
    ["an event named like a reserved event", ['42["connect"]']],
    ["invalid JSON", ['42["message"']],
    ["a placeholder for a missing attachment", [`451-["message",{"_placeholder":true,"num":5}]`]],
    ["a binary frame nobody announced", [Uint8Array.from([1, 2, 3])]],
    ["a text packet while attachments are awaited", [`451-["message",${PH0}]`, '42["message"]']],
  ]) {
    it(what, async () => {
      const socket = await connected();
      for (const f of frames) socket.send(f);
      await socket.waitClose(1000);
      assert.deepEqual(socket.queue, [], "no reply before the close");
    });
  }
});
