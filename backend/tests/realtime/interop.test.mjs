// The real socket.io-client against the conformance server's reference
// Socket.IO configuration, over each way a client can connect: WebSocket
// only, long-polling only, and the default polling -> WebSocket upgrade.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { io } from "socket.io-client";
import { startServer, withTimeout } from "./harness.mjs";

const TRANSPORTS = [
  { name: "websocket", opts: { transports: ["websocket"] }, final: "websocket" },
  { name: "long-polling", opts: { transports: ["polling"] }, final: "polling" },
  { name: "polling upgraded to websocket", opts: {}, final: "websocket" },
];

/** Waits for `event` on an emitter, with a deadline. */
const once = (emitter, event, ms = 5000) =>
  withTimeout(new Promise((resolve) => emitter.once(event, (...a) => resolve(a))), ms, event);

/** Binary arrives as Buffer or ArrayBuffer depending on the transport. */
function normalize(v) {
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

const clients = [];
function client(url, opts) {
  const s = io(url, { forceNew: true, reconnection: false, timeout: 5000, ...opts });
  clients.push(s);
  return s;
}
function closeClients() {
  for (const s of clients.splice(0)) {
    s.io.opts.reconnection = false;
    s.disconnect();
    s.io.engine?.close();
  }
}

/** Connects and waits until the transport is the expected final one. */
async function connect(url, t, opts = {}) {
  const socket = client(url, { ...t.opts, ...opts });
  const authP = once(socket, "auth");
  await once(socket, "connect");
  if (socket.io.engine.transport.name !== t.final)
    await once(socket.io.engine, "upgrade");
  assert.equal(socket.io.engine.transport.name, t.final);
  return { socket, authP };
}

describe("socket.io-client interop", () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    closeClients();
    await server?.stop();
  });

  for (const t of TRANSPORTS) {
    describe(t.name, () => {
      it('connects with auth and receives the "auth" event with it', async () => {
        const { authP } = await connect(server.http, t, { auth: { token: "abc", n: 1 } });
        assert.deepEqual(await authP, [{ token: "abc", n: 1 }]);
      });

      it('"message" with mixed arguments and Buffers comes back identical as "message-back"', async () => {
        const { socket } = await connect(server.http, t);
        const args = [
          1,
          "two",
          { three: [true, null], bin: Buffer.from([0, 1, 2, 255]) },
          Buffer.alloc(0),
          [Buffer.from("hello"), "x"],
          Buffer.alloc(70000, 7),
        ];
        const back = once(socket, "message-back");
        socket.emit("message", ...args);
        assert.deepEqual(normalize(await back), args);
      });

      it("emitWithAck returns the acknowledged argument, binary included", async () => {
        const { socket } = await connect(server.http, t);
        const arg = { id: 7, data: Buffer.from([9, 8, 7]), list: [Buffer.from([1])] };
        const res = await withTimeout(socket.emitWithAck("message-with-ack", arg), 5000, "ack");
        assert.deepEqual(normalize(res), arg);
      });

      it("an ack callback receives every argument", async () => {
        const { socket } = await connect(server.http, t);
        const res = await withTimeout(
          new Promise((resolve) =>
            socket.emit("message-with-ack", "a", 2, Buffer.from([3]), (...a) => resolve(a)),
          ),
          5000,
          "ack",
        );
        assert.deepEqual(normalize(res), ["a", 2, Buffer.from([3])]);
      });

      it("a custom namespace works next to the main one on one connection", async () => {
        const { socket: main } = await connect(server.http, t);
        const custom = main.io.socket("/custom", { auth: { ns: "custom" } });
        clients.push(custom);
        const authP = once(custom, "auth");
        custom.connect();
        await once(custom, "connect");
        assert.deepEqual(await authP, [{ ns: "custom" }]);
        assert.notEqual(custom.id, main.id);
        const backCustom = once(custom, "message-back");
        const backMain = once(main, "message-back");
        custom.emit("message", "to custom", Buffer.from([1, 2]));
        main.emit("message", "to main");
        assert.deepEqual(normalize(await backCustom), ["to custom", Buffer.from([1, 2])]);
        assert.deepEqual(await backMain, ["to main"]);
      });

      it("an unknown namespace fails with connect_error \"Invalid namespace\"", async () => {
        const socket = client(`${server.http}/random`, t.opts);
        const [err] = await once(socket, "connect_error");
        assert.equal(err.message, "Invalid namespace");
      });
    });
  }
});

describe("socket.io-client reconnects after a server restart", () => {
  for (const t of TRANSPORTS) {
    it(`${t.name}: reconnects to a new process on the same port and can emit again`, async () => {
      let server = await startServer();
      const port = server.port;
      try {
        const socket = client(server.http, {
          ...t.opts,
          reconnection: true,
          reconnectionDelay: 100,
          reconnectionDelayMax: 300,
          randomizationFactor: 0,
        });
        await once(socket, "connect");
        const firstId = socket.id;
        const disconnected = once(socket, "disconnect");
        await server.stop();
        await disconnected;
        server = await startServer({ port });
        assert.equal(server.port, port);
        await once(socket, "connect", 10000);
        assert.notEqual(socket.id, firstId);
        const back = once(socket, "message-back");
        socket.emit("message", "again", Buffer.from([4, 2]));
        assert.deepEqual(normalize(await back), ["again", Buffer.from([4, 2])]);
      } finally {
        closeClients();
        await server.stop();
      }
    });
  }
});
