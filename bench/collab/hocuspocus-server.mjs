#!/usr/bin/env node
// Hocuspocus with its defaults (documents in memory, no extensions) for the
// collaboration benchmark. Prints "listening on <port>" and, when forked,
// sends {type:"listening", port}.
//
//   node collab/hocuspocus-server.mjs [--port=0]
import { Server } from "@hocuspocus/server";

const port = Number(process.argv.find((a) => a.startsWith("--port="))?.slice(7) ?? 0);
// Server.listen() would pass `address` where Node's listen() expects `host`
// and so listen on every interface; listen on loopback ourselves instead
// (listen() adds nothing else here: no extensions, no onListen hooks).
const server = new Server({ port, address: "127.0.0.1", quiet: true, stopOnSignals: false });

process.on("disconnect", () => process.exit(0)); // orchestrator gone
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    const t = setTimeout(() => process.exit(0), 3000);
    server.destroy().finally(() => {
      clearTimeout(t);
      process.exit(0);
    });
  });
}

await new Promise((resolve, reject) => {
  server.httpServer.once("error", reject);
  server.httpServer.listen({ port, host: "127.0.0.1" }, resolve);
});
const actual = server.httpServer.address().port;
console.log(`listening on ${actual}`);
process.send?.({ type: "listening", port: actual });
