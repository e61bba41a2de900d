/**
 * The timeline of a quorum put, one put at a time (`npm run profile:lab -- --timeline`): every node
 * worker records its host's marks (src/worker/hostTimeline.ts) while the page sends puts one after
 * another to each key's first replica; the marks of all workers, on the shared clock, are cut into
 * one window per put, and the median offset of each phase from the page's send is printed:
 *
 *   page ─▶ C: request ─ step ─ post replica-puts ─ sync [write · flush] ─ ack ─ reply ─▶ page
 *                                  └─▶ R: replica-put ─ step ─ sync [write · flush] ─ ack ─┘
 *
 * C is the coordinator; R is the replica whose acknowledgement completed the quorum (W=2: the
 * coordinator's own write and one replica's). A put is answered once both syncs have ended, so it
 * costs about one flush when the two overlap and two when they run one after the other.
 */

import type { Page } from 'playwright';

/** One worker's recording (hostTimeline.ts `TimelineMarks`). */
interface Marks {
  at: number[];
  kind: string[];
  detail: string[];
  dropped: number;
}

interface TimedPut {
  /** When the page sent it and had the reply (sharedNow ms), and its coordinator. */
  at: number;
  end: number;
  coordinator: string;
}

export interface PutTimelines {
  puts: TimedPut[];
  marks: Record<string, Marks>;
}

/** Sends `count` puts one at a time with every worker's timeline on; returns the recordings. */
export function recordPutTimelines(page: Page, count: number): Promise<PutTimelines> {
  return page.evaluate(async (count) => {
    const { client, cluster, store } = window.kvscope;
    const value = new Uint8Array(100).fill(7);
    const now = () => performance.timeOrigin + performance.now();
    const opts = (key: string) => ({ coordinator: client.replicaOf(key), record: false });
    for (let i = 0; i < 200; i++) await client.put(`warm-${i}`, value, opts(`warm-${i}`));
    const ids = store.getState().order;
    const timeline = (action: string) =>
      Promise.all(ids.map((id) => cluster.configureNode(id, { timeline: action })));
    await timeline('start');
    const puts: { at: number; end: number; coordinator: string }[] = [];
    for (let i = 0; i < count; i++) {
      const key = `timeline-${i}`;
      const at = now();
      await client.put(key, value, opts(key));
      puts.push({ at, end: now(), coordinator: client.replicaOf(key) });
    }
    await timeline('stop');
    const marks: Record<string, Marks> = {};
    for (const id of ids) {
      const snap = (await cluster.snapshot(id)) as { host?: { timeline?: Marks } } | null;
      if (snap?.host?.timeline) marks[id] = snap.host.timeline;
    }
    await timeline('clear');
    return { puts, marks };
  }, count);
}

interface Mark {
  at: number;
  node: string;
  kind: string;
  detail: string;
}

/** Every worker's marks in one list, by time. */
function merged(marks: Record<string, Marks>): Mark[] {
  const all: Mark[] = [];
  for (const [node, m] of Object.entries(marks))
    for (const [i, at] of m.at.entries())
      all.push({ at, node, kind: m.kind[i] ?? '', detail: m.detail[i] ?? '' });
  return all.sort((a, b) => a.at - b.at);
}

/** The first mark of `kind` (and `detail`) by `node` at or after `from`, as an offset. */
function first(window: Mark[], node: string, kind: string, from = -Infinity, detail?: string) {
  const m = window.find(
    (x) =>
      x.node === node &&
      x.kind === kind &&
      x.at >= from &&
      (detail === undefined || x.detail.startsWith(detail)),
  );
  return m?.at;
}

/** The phases of one put, as absolute times (undefined when a mark is missing). */
function phasesOf(put: TimedPut, window: Mark[]): Record<string, number | undefined> {
  const c = put.coordinator;
  const request = first(window, c, 'request');
  const post = first(window, c, 'post', request);
  const sync = first(window, c, 'sync', request);
  const synced = first(window, c, 'synced', sync);
  // The replica that answered first: the earliest end of a sync that followed a replica-put's arrival.
  let replica: {
    arrived: number;
    sync?: number;
    synced?: number;
    write?: number;
    written?: number;
    flush?: number;
    flushed?: number;
    post?: number;
    posted?: number;
    stepped?: number;
  } | null = null;
  for (const node of new Set(window.map((m) => m.node))) {
    if (node === c) continue;
    const arrived = first(window, node, 'message', request, 'replica-put');
    if (arrived === undefined) continue;
    const rSync = first(window, node, 'sync', arrived);
    const rSynced = first(window, node, 'synced', rSync);
    if (rSynced === undefined || (replica?.synced !== undefined && replica.synced <= rSynced)) continue;
    replica = {
      arrived,
      sync: rSync,
      synced: rSynced,
      write: first(window, node, 'write', rSync),
      written: first(window, node, 'written', rSync),
      flush: first(window, node, 'flush', rSync),
      flushed: first(window, node, 'flushed', rSync),
      stepped: first(window, node, 'stepped', arrived),
      post: first(window, node, 'post', rSynced),
      posted: first(window, node, 'posted', rSynced),
    };
  }
  return {
    'C: request arrives': request,
    'C: stepped': first(window, c, 'stepped', request),
    'C: posts the replica-puts': post,
    'C: posted': first(window, c, 'posted', post),
    'C: sync starts': sync,
    'C: write': first(window, c, 'write', sync),
    'C: written': first(window, c, 'written', sync),
    'C: flush': first(window, c, 'flush', sync),
    'C: flushed': first(window, c, 'flushed', sync),
    'C: sync ends': synced,
    'R: replica-put arrives': replica?.arrived,
    'R: stepped': replica?.stepped,
    'R: sync starts': replica?.sync,
    'R: write': replica?.write,
    'R: written': replica?.written,
    'R: flush': replica?.flush,
    'R: flushed': replica?.flushed,
    'R: sync ends': replica?.synced,
    'R: posts the ack': replica?.post,
    'R: ack posted': replica?.posted,
    'C: an ack arrives': first(window, c, 'message', request, 'replica-put-ack'),
    'C: first message after its sync': first(window, c, 'message', synced),
    'C: reply released': first(window, c, 'reply', request),
    'page: reply received': put.end,
  };
}

/**
 * The put's critical path when the replica's ack completes the quorum (C's own sync has ended by
 * then), phase by phase: printed as spans, each measured within one put, so their medians add up to
 * about the whole.
 */
const criticalPath = [
  'page: sends',
  'C: request arrives',
  'C: stepped',
  'C: posts the replica-puts',
  'R: replica-put arrives',
  'R: stepped',
  'R: sync starts',
  'R: sync ends',
  'R: posts the ack',
  'R: ack posted',
  'C: an ack arrives',
  'C: reply released',
  'page: reply received',
];

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** Prints the median offset of each phase from the page's send, and the spans that matter. */
export function printPutTimelines({ puts, marks }: PutTimelines): void {
  const all = merged(marks);
  const offsets = new Map<string, number[]>();
  const spans = new Map<string, number[]>();
  const span = (name: string, from?: number, to?: number) => {
    if (from === undefined || to === undefined) return;
    spans.set(name, [...(spans.get(name) ?? []), to - from]);
  };
  let lo = 0;
  for (const put of puts) {
    while (lo < all.length && (all[lo]?.at ?? 0) < put.at) lo++;
    let hi = lo;
    while (hi < all.length && (all[hi]?.at ?? 0) <= put.end) hi++;
    const p = phasesOf(put, all.slice(lo, hi));
    for (const [name, at] of Object.entries(p))
      if (at !== undefined) offsets.set(name, [...(offsets.get(name) ?? []), at - put.at]);
    span("C's post of the replica-puts", p['C: posts the replica-puts'], p['C: posted']);
    span("C's OPFS write", p['C: write'], p['C: written']);
    span("C's OPFS flush", p['C: flush'], p['C: flushed']);
    span("C's sync", p['C: sync starts'], p['C: sync ends']);
    span("R's OPFS write", p['R: write'], p['R: written']);
    span("R's OPFS flush", p['R: flush'], p['R: flushed']);
    span("R's sync", p['R: sync starts'], p['R: sync ends']);
    span("C's sync end − R's sync end (overlap: near 0)", p['R: sync ends'], p['C: sync ends']);
    span('C: sync end → reply released', p['C: sync ends'], p['C: reply released']);
    const hops = criticalPath.map((name) => (name === 'page: sends' ? put.at : p[name]));
    for (let i = 1; i < hops.length; i++)
      span(`path: ${criticalPath[i - 1]} → ${criticalPath[i]}`, hops[i - 1], hops[i]);
  }
  const f = (x: number) => x.toFixed(3).padStart(7);
  const dropped = Object.values(marks).reduce((n, m) => n + m.dropped, 0);
  console.log(
    `\ntimeline of ${puts.length} puts one at a time (ms since the page sent the put; p25 p50 p75)`,
  );
  for (const [name, xs] of offsets)
    console.log(
      `  ${name.padEnd(36)} ${f(quantile(xs, 0.25))} ${f(quantile(xs, 0.5))} ${f(quantile(xs, 0.75))}  (${xs.length} puts)`,
    );
  console.log('spans (ms; p25 p50 p75)');
  for (const [name, xs] of spans)
    console.log(
      `  ${name.padEnd(46)} ${f(quantile(xs, 0.25))} ${f(quantile(xs, 0.5))} ${f(quantile(xs, 0.75))}`,
    );
  if (dropped > 0) console.log(`  (${dropped} marks dropped: the recordings were full)`);
}
