// Orchestrator <-> worker messages. The orchestrator sends {type, ...} and
// waits for the worker's {type: "<type>:ok", ...} (or {type: "error"}); a
// worker that exits or misses the deadline rejects the wait.

/** Sends `msg` to every worker and resolves to their replies, in order. */
export function requestAll(workers, msg, timeoutMs) {
  return Promise.all(workers.map((w) => request(w, msg, timeoutMs)));
}

export function request(worker, msg, timeoutMs) {
  return new Promise((resolve, reject) => {
    const want = `${msg.type}:ok`;
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`worker ${worker.pid}: no reply to "${msg.type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m) => {
      if (m?.type === want) {
        cleanup();
        resolve(m);
      } else if (m?.type === "error") {
        cleanup();
        reject(new Error(`worker ${worker.pid}: ${m.error}`));
      }
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`worker ${worker.pid} exited (code ${code}, signal ${signal}) during "${msg.type}"`));
    };
    function cleanup() {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("exit", onExit);
    }
    worker.on("message", onMessage);
    worker.on("exit", onExit);
    worker.send(msg);
  });
}

/**
 * Worker side: dispatches messages to `handlers[type](msg)`, replying with
 * its result under "<type>:ok" or {type:"error"}. Exits when the
 * orchestrator goes away, and after `deadlineS` seconds in any case.
 */
export function serve(handlers, deadlineS = 3600) {
  process.on("disconnect", () => process.exit(0));
  setTimeout(() => {
    process.stderr.write(`worker ${process.pid}: deadline of ${deadlineS} s reached, exiting\n`);
    process.exit(124);
  }, deadlineS * 1000).unref();
  process.on("message", async (msg) => {
    const h = handlers[msg?.type];
    if (!h) return;
    try {
      const r = (await h(msg)) || {};
      process.send?.({ ...r, type: `${msg.type}:ok` });
    } catch (e) {
      process.send?.({ type: "error", error: String(e?.stack || e) });
    }
  });
}
