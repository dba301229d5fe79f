// What the benchmark scripts (perf.mjs, exec-perf.mjs) share: Debian's
// Chromium with the same switches as the Playwright tests (playwright.config.ts),
// a median, and seeding a session's document through the real protocol.
import { io } from 'socket.io-client';
import * as Y from 'yjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Writes `text` into the session's shared document (a Node Yjs client joining over Socket.IO). */
export async function seedDocument(url, sessionId, text) {
  const doc = new Y.Doc();
  const socket = io(url, { transports: ['websocket'] });
  try {
    await new Promise((resolve, reject) => {
      socket.on('connect_error', reject);
      socket.on('connect', resolve);
    });
    const ack = await socket.timeout(5000).emitWithAck('join', { session_id: sessionId, name: 'seed' });
    if (!ack.ok) throw new Error(`join: ${JSON.stringify(ack.error)}`);
    Y.applyUpdate(doc, new Uint8Array(ack.update));
    doc.getText('code').insert(0, text);
    const res = await socket.timeout(5000).emitWithAck('code_change', Y.encodeStateAsUpdate(doc, new Uint8Array(ack.state_vector)));
    if (!res.ok) throw new Error(`code_change: ${JSON.stringify(res.error)}`);
  } finally {
    socket.disconnect();
  }
}
