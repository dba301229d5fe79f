#!/usr/bin/env node
// Plain Node baseline for the collaboration benchmark: socket.io + yjs
// speaking Pairpad's wire contract for join / code_change (and relaying
// execution / cursor_move), in memory, so the same client code drives it
// and pairpad. One Y.Doc per session, created on first join.
//
//   node collab/baseline-server.mjs [--port=0]
// Prints "listening on <port>" and, when forked, sends {type:"listening", port}.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "socket.io";
import * as Y from "yjs";

const port = Number(process.argv.find((a) => a.startsWith("--port="))?.slice(7) ?? 0);
const MAX_UPDATE = 512 * 1024;
const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0"];

/** sessionId -> {doc, members: Map<socketId, user>} */
const rooms = new Map();

const http = createServer((req, res) => {
  res.writeHead(404, { "Content-Type": "application/json" });
  res.end('{"error":{"code":"not_found","message":"baseline serves only /socket.io/"}}');
});
const io = new Server(http, {
  serveClient: false,
  pingInterval: 25000,
  pingTimeout: 20000,
  maxHttpBufferSize: 1e6,
  perMessageDeflate: false,
});

const toU8 = (b) => (b instanceof Uint8Array ? b : new Uint8Array(b));
const fail = (ack, code, message) => typeof ack === "function" && ack({ ok: false, error: { code, message } });

io.on("connection", (socket) => {
  let room = null;
  let sessionId = null;
  let user = null;

  socket.on("join", (p, ack) => {
    if (!p || typeof p.session_id !== "string" || typeof p.name !== "string")
      return fail(ack, "invalid_join", "join takes {session_id, name, state_vector?: bytes}");
    if (room) leave();
    sessionId = p.session_id;
    room = rooms.get(sessionId);
    if (!room) {
      room = { doc: new Y.Doc({ gc: true }), members: new Map() };
      rooms.set(sessionId, room);
    }
    user = { id: randomUUID(), name: p.name.slice(0, 64), color: COLORS[room.members.size % COLORS.length], role: "candidate" };
    let update;
    try {
      update = p.state_vector
        ? Y.encodeStateAsUpdate(room.doc, toU8(p.state_vector))
        : Y.encodeStateAsUpdate(room.doc);
    } catch {
      return fail(ack, "invalid_join", "bad state_vector");
    }
    socket.to(sessionId).emit("user_joined", user);
    room.members.set(socket.id, user);
    socket.join(sessionId);
    if (typeof ack === "function")
      ack({
        ok: true,
        user,
        participants: [...room.members.values()],
        session: { id: sessionId, title: "", language: "javascript", expires_at: null },
        update,
        state_vector: Y.encodeStateVector(room.doc),
      });
  });

  socket.on("code_change", (u, ack) => {
    if (!room) return fail(ack, "not_joined", "join a session first");
    if (!(u instanceof Uint8Array || u instanceof ArrayBuffer) || u.byteLength > MAX_UPDATE)
      return fail(ack, "invalid_update", "code_change takes one Yjs update (bytes)");
    try {
      Y.applyUpdate(room.doc, toU8(u), socket.id);
    } catch {
      return fail(ack, "invalid_update", "not a Yjs update");
    }
    socket.to(sessionId).emit("code_change", u);
    if (typeof ack === "function") ack({ ok: true });
  });

  socket.on("execution", (p, ack) => {
    if (!room) return fail(ack, "not_joined", "join a session first");
    if (!p || typeof p.run_id !== "string" || !["started", "output", "finished"].includes(p.type))
      return fail(ack, "invalid_execution", "execution takes {run_id, type: started|output|finished}");
    socket.to(sessionId).emit("execution", { ...p, by: user.id });
    if (typeof ack === "function") ack({ ok: true });
  });

  socket.on("cursor_move", (u, ack) => {
    if (!room) return fail(ack, "not_joined", "join a session first");
    socket.to(sessionId).emit("cursor_move", u);
    if (typeof ack === "function") ack({ ok: true });
  });

  socket.on("leave", (ack) => {
    if (room) leave();
    if (typeof ack === "function") ack({ ok: true });
  });

  socket.on("disconnect", () => room && leave());

  function leave() {
    room.members.delete(socket.id);
    socket.leave(sessionId);
    socket.to(sessionId).emit("user_left", { id: user.id });
    if (room.members.size === 0) {
      room.doc.destroy();
      rooms.delete(sessionId);
    }
    room = null;
  }
});

process.on("disconnect", () => process.exit(0)); // orchestrator gone
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => io.close(() => process.exit(0)));

http.listen(port, "127.0.0.1", () => {
  const actual = http.address().port;
  console.log(`listening on ${actual}`);
  process.send?.({ type: "listening", port: actual });
});
