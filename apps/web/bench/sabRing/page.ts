/**
 * The experiment's page: the client of five node workers (worker.ts) over one transport at a
 * time. `window.sabRing.run(config)` wires the workers (MessageChannel mesh or rings), measures a
 * plain page ↔ worker round trip (ping/pong), quorum puts one at a time, then puts with `inFlight`
 * lanes for `throughputMs`, and returns the figures and the workers' counters. Around the loaded
 * run it calls `window.benchCpuMark`, which the Node driver exposes to read /proc.
 */

import { nodeCount, nodeName, type PutReply, pageEndpoint, valueBytes } from './messages.ts';
import { Doorbells, ringBuffer } from './ring.ts';
import { type Links, openEndpoint, type TransportName } from './transport.ts';
import type { WorkerInit, WorkerReport } from './worker.ts';

export interface RunConfig {
  transport: TransportName;
  opfs: boolean;
  rtts: number;
  latencyPuts: number;
  throughputMs: number;
  inFlight: number;
  ringBytes: number;
  /** Busy CPU per message a worker handles (µs), standing in for the engine's step. */
  workUs: number;
}

export interface RunFigures {
  rttP50: number;
  rttP99: number;
  /** One put at a time. */
  putP50: number;
  putP99: number;
  /** With `inFlight` lanes. */
  loadP50: number;
  loadP99: number;
  putsPerSecond: number;
  puts: number;
  /** Summed over the workers; `page` is the page's own endpoint. */
  workers: WorkerReport;
  page: WorkerReport;
}

const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Each endpoint's links: a full mesh of ports, or a ring per directed link and the doorbells. */
function wire(transport: TransportName, ringBytes: number): { links: Links[]; transfers: Transferable[][] } {
  const endpoints = nodeCount + 1;
  const links: Links[] = Array.from({ length: endpoints }, (_, me) => ({ transport, me }));
  const transfers: Transferable[][] = links.map(() => []);
  if (transport === 'sab') {
    const bells = Doorbells.create(endpoints);
    const rings = links.map((_, from) => links.map((_, to) => (from === to ? null : ringBuffer(ringBytes))));
    for (const l of links) {
      l.bells = bells;
      l.out = rings[l.me]!;
      l.in = rings.map((row) => row[l.me] ?? null);
    }
    return { links, transfers };
  }
  for (const l of links) l.ports = links.map(() => null);
  for (let a = 0; a < endpoints; a++)
    for (let b = a + 1; b < endpoints; b++) {
      const channel = new MessageChannel();
      links[a]!.ports![b] = channel.port1;
      links[b]!.ports![a] = channel.port2;
      transfers[a]!.push(channel.port1);
      transfers[b]!.push(channel.port2);
    }
  return { links, transfers };
}

function sum(reports: WorkerReport[]): WorkerReport {
  const total = { ...reports[0]! };
  for (const r of reports.slice(1))
    for (const k of Object.keys(total) as (keyof WorkerReport)[]) total[k] += r[k];
  return total;
}

function minus(a: WorkerReport, b: WorkerReport): WorkerReport {
  const d = { ...a };
  for (const k of Object.keys(d) as (keyof WorkerReport)[]) d[k] -= b[k];
  return d;
}

async function run(config: RunConfig): Promise<RunFigures> {
  const { links, transfers } = wire(config.transport, config.ringBytes);
  const workers = Array.from({ length: nodeCount }, () => new Worker('/worker.js', { type: 'module' }));
  const next = (w: Worker) => new Promise<unknown>((resolve) => (w.onmessage = (e) => resolve(e.data)));
  const ready = workers.map(next);
  workers.forEach((w, i) => {
    const init: WorkerInit = { links: links[i + 1]!, opfs: config.opfs, workUs: config.workUs };
    w.postMessage(init, transfers[i + 1]!);
  });
  await Promise.all(ready);

  const waiting = new Map<string, (reply: PutReply) => void>();
  let pong: (() => void) | null = null;
  const page = openEndpoint(
    links[pageEndpoint]!,
    (m) => {
      if ('requestId' in m && m.type === 'put') waiting.get(m.requestId)?.(m);
      else if ('type' in m && m.type === 'pong') pong?.();
    },
    () => {},
  );
  const mark = (window as unknown as { benchCpuMark: (phase: string) => Promise<void> }).benchCpuMark;
  const rtts: number[] = [];
  await mark('rtt-start');
  for (let seq = 0; seq < config.rtts; seq++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      pong = resolve;
      page.add(1, { type: 'ping', seq });
    });
    rtts.push(performance.now() - t0);
  }
  await mark('rtt-end');
  const value = new Uint8Array(valueBytes).fill(7);
  let sent = 0;
  const put = async (): Promise<number> => {
    const n = sent++;
    const requestId = `r${n}`;
    const key = `tp-${n % 10_000}`;
    const coordinator = (n % nodeCount) + 1;
    const t0 = performance.now();
    const reply = await new Promise<PutReply>((resolve) => {
      waiting.set(requestId, resolve);
      page.add(coordinator, { request: { type: 'put', requestId, key, value }, traced: false });
    });
    waiting.delete(requestId);
    if (reply.coordinator !== nodeName(coordinator) || reply.ackedBy.length !== 2)
      throw new Error(`a wrong reply: ${JSON.stringify(reply)}`);
    return performance.now() - t0;
  };
  const oneAtATime: number[] = [];
  for (let i = 0; i < config.latencyPuts; i++) oneAtATime.push(await put());

  // The workers' and the page's counters over the loaded run only.
  const ask = (what: 'stats' | 'stop') =>
    Promise.all(
      workers.map((w) => {
        const report = next(w) as Promise<WorkerReport>;
        w.postMessage(what);
        return report;
      }),
    );
  const pageReport = (): WorkerReport => ({ ...page.stats, opfsFlushes: 0 });
  const before = await ask('stats');
  const pageBefore = pageReport();
  const loaded: number[] = [];
  await mark('start');
  const t0 = performance.now();
  const end = t0 + config.throughputMs;
  const lane = async () => {
    while (performance.now() < end) loaded.push(await put());
  };
  await Promise.all(Array.from({ length: config.inFlight }, lane));
  const seconds = (performance.now() - t0) / 1000;
  await mark('end');

  const reports = await ask('stop');
  page.stop();
  for (const w of workers) w.terminate();
  return {
    rttP50: pct(rtts, 50),
    rttP99: pct(rtts, 99),
    putP50: pct(oneAtATime, 50),
    putP99: pct(oneAtATime, 99),
    loadP50: pct(loaded, 50),
    loadP99: pct(loaded, 99),
    putsPerSecond: loaded.length / seconds,
    puts: loaded.length,
    workers: minus(sum(reports), sum(before)),
    page: minus(pageReport(), pageBefore),
  };
}

(window as unknown as { sabRing: { run: typeof run } }).sabRing = { run };
