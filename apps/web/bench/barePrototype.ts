/**
 * The lab benchmark's second peer: the bare prototype the issue measured its targets against (3
 * workers, no engine, a log flushed per write, group commit), rebuilt here and measured in the same
 * page as the lab, so the lab's figures can be read against what this machine's browser and disk
 * give a put with no store behind it.
 *
 * Each worker appends 150-byte records (a 100-byte value with its key and clock, about what the
 * node's commit log writes per put) to its own OPFS file through a sync access handle. A put goes
 * from the page to one worker (the coordinator, round robin); it appends the record, posts it to the
 * other two and flushes; each replica appends, flushes and acks; the coordinator replies once two of
 * the three copies are durable (its own and one ack: W=2 of N=3), as the lab's coordinator does.
 * Flushes are grouped: a worker flushes once per turn of its event loop (a zero-delay timer) for
 * every record appended since the last flush, and sends the acks that waited for it.
 */

import type { Page } from 'playwright';

export interface PrototypeFigures {
  putP50: number;
  putP99: number;
  putsPerSecond: number;
  /** Records each worker flushed per flush during the 64-in-flight run (the group commit's reach). */
  recordsPerFlush: number;
  /** Milliseconds one `flush` and one `write` took, on average, while puts went one at a time. */
  flushMs: number;
  writeMs: number;
}

/** The workers' code, plain JavaScript for a Blob URL (no bundler, no transpiler in between). */
const workerSource = `
let log = null;
let offset = 0;
let page = null;
const peers = [];
const afterFlush = [];
let flushQueued = false;
let flushes = 0;
let records = 0;
let flushMs = 0;
let writeMs = 0;
/** Copies of each coordinated put known durable (its own flush and the replicas' acks). */
const durable = new Map();

onmessage = async (e) => {
  if (e.data.type === 'stats' || e.data.type === 'close') {
    if (e.data.type === 'close') log.close();
    postMessage({ type: e.data.type, flushes, records, flushMs, writeMs });
    return;
  }
  const root = await navigator.storage.getDirectory();
  const file = await root.getFileHandle(e.data.file, { create: true });
  log = await file.createSyncAccessHandle();
  log.truncate(0);
  page = e.data.page;
  page.onmessage = (m) => coordinate(m.data);
  for (const port of e.data.peers) {
    peers.push(port);
    port.onmessage = (m) => (m.data.type === 'put' ? replicate(port, m.data) : counted(m.data.id));
  }
  postMessage({ type: 'ready' });
};

function append(record) {
  const t0 = performance.now();
  offset += log.write(record, { at: offset });
  writeMs += performance.now() - t0;
  records++;
}

function whenDurable(fn) {
  afterFlush.push(fn);
  if (flushQueued) return;
  flushQueued = true;
  setTimeout(() => {
    flushQueued = false;
    const t0 = performance.now();
    log.flush();
    flushMs += performance.now() - t0;
    flushes++;
    for (const done of afterFlush.splice(0)) done();
  }, 0);
}

function coordinate({ id, record }) {
  append(record);
  durable.set(id, 0);
  for (const port of peers) port.postMessage({ type: 'put', id, record });
  whenDurable(() => counted(id));
}

function replicate(port, { id, record }) {
  append(record);
  whenDurable(() => port.postMessage({ type: 'ack', id }));
}

function counted(id) {
  const copies = durable.get(id) + 1;
  if (copies === 2) page.postMessage(id);
  if (copies === 3) durable.delete(id);
  else durable.set(id, copies);
}
`;

/** Runs in the page: starts the prototype, measures puts one at a time and 64 in flight, cleans up. */
export function measureBarePrototype(
  page: Page,
  load: { latencyOps: number; throughputMs: number },
): Promise<PrototypeFigures> {
  return page.evaluate(
    async ({ source, latencyOps, throughputMs }) => {
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const workers = [0, 1, 2].map(() => new Worker(url));
      type Reply = { type: string; flushes?: number; records?: number; flushMs?: number; writeMs?: number };
      const next = (w: Worker) =>
        new Promise<Reply>((resolve) => {
          w.onmessage = (e) => resolve(e.data);
        });
      // Full mesh between the workers, and one port from the page to each.
      const peerPorts: MessagePort[][] = [[], [], []];
      for (let i = 0; i < 3; i++)
        for (let j = i + 1; j < 3; j++) {
          const link = new MessageChannel();
          peerPorts[i]?.push(link.port1);
          peerPorts[j]?.push(link.port2);
        }
      const pending = new Map<number, () => void>();
      const pagePorts = workers.map((w, i) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => {
          pending.get(e.data)?.();
          pending.delete(e.data);
        };
        const peers = peerPorts[i] ?? [];
        w.postMessage({ file: `bare-prototype-${i}.log`, page: channel.port2, peers }, [
          channel.port2,
          ...peers,
        ]);
        return channel.port1;
      });
      await Promise.all(workers.map(next));
      let id = 0;
      const put = () =>
        new Promise<void>((resolve) => {
          const op = id++;
          pending.set(op, resolve);
          const record = new Uint8Array(150).fill(op & 0xff);
          pagePorts[op % 3]?.postMessage({ id: op, record });
        });
      const pct = (xs: number[], p: number) => {
        const sorted = [...xs].sort((a, b) => a - b);
        return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
      };
      const latencies: number[] = [];
      for (let i = 0; i < latencyOps; i++) {
        const t0 = performance.now();
        await put();
        latencies.push(performance.now() - t0);
      }
      // The workers' flush and record counts, before and after the 64-in-flight run.
      const counts = async (type: 'stats' | 'close') => {
        const replies = await Promise.all(
          workers.map((w) => {
            const reply = next(w);
            w.postMessage({ type });
            return reply;
          }),
        );
        const sum = (k: 'flushes' | 'records' | 'flushMs' | 'writeMs') =>
          replies.reduce((n, r) => n + (r[k] ?? 0), 0);
        return {
          flushes: sum('flushes'),
          records: sum('records'),
          flushMs: sum('flushMs'),
          writeMs: sum('writeMs'),
        };
      };
      const before = await counts('stats');
      let done = 0;
      const t0 = performance.now();
      const end = t0 + throughputMs;
      const lane = async () => {
        while (performance.now() < end) {
          await put();
          done++;
        }
      };
      await Promise.all(Array.from({ length: 64 }, lane));
      const seconds = (performance.now() - t0) / 1000;
      const after = await counts('close');
      for (const w of workers) w.terminate();
      const root = await navigator.storage.getDirectory();
      for (let i = 0; i < 3; i++) await root.removeEntry(`bare-prototype-${i}.log`).catch(() => undefined);
      return {
        putP50: pct(latencies, 50),
        putP99: pct(latencies, 99),
        putsPerSecond: done / seconds,
        recordsPerFlush: (after.records - before.records) / Math.max(1, after.flushes - before.flushes),
        flushMs: before.flushMs / Math.max(1, before.flushes),
        writeMs: before.writeMs / Math.max(1, before.records),
      };
    },
    { source: workerSource, ...load },
  );
}
