/**
 * One request's story, assembled from its events (SPEC §2 "request trace"): who coordinated it
 * (and who forwarded it there), the replicas asked, which answered in time and counted toward R/W
 * (ranked in answer order, with latency), which answered late, failed or never answered, a read's
 * write-back before its reply (the replicas it was sent to and when each stored it), the outcome,
 * and the read repair after the reply. Optionally the replication messages exchanged, paired
 * sent → delivered/dropped. Pure, so it is unit-tested; the view only draws it.
 *
 * Stand-ins (hinted handoff, being built): a replica is marked as standing in for an owner when
 * the `standIns` argument says so, or when the request.started / replica.answered event carries a
 * `standIns` map / `hintFor` field — the seam the handoff work can fill without changing the view.
 */

import type { ClusterEvent } from '@kvscope/engine';
import type {
  AnyEvent,
  EventOf,
  ReadRepairSent,
  RequestCompleted,
  RequestForwarded,
  RequestStarted,
  WriteBackAcked,
  WriteBackSent,
} from '../log/eventTypes.ts';
import { formatMs } from '../shared/format.ts';

export type ReplicaState = 'counted' | 'answered' | 'late' | 'failed' | 'no answer' | 'waiting';

export interface TraceReplica {
  node: string;
  /** Position in the list the coordinator asked (1-based). */
  asked: number;
  state: ReplicaState;
  /** 1-based order among the answers that counted toward R/W. */
  rank?: number;
  answeredAt?: number;
  latencyMs?: number;
  /** The owner this node stands in for, holding a hint (sloppy quorum). */
  standInFor?: string;
  repaired: boolean;
}

/** One replica a read wrote its result back to before replying, and its answer. */
export interface TraceWriteBack {
  node: string;
  sentAt: number;
  /** When it stored the result durably (`ok`) or refused it; absent while unanswered. */
  answeredAt?: number;
  ok?: boolean;
}

/** A read's write-back before its reply: who held the result, who was sent it, how many it needs. */
export interface TraceWriteBackPhase {
  at: number;
  /** Replicas whose answer was the result already when the write-back started. */
  holders: string[];
  needed: number;
  writes: TraceWriteBack[];
}

export interface TraceMessage {
  from: string;
  to: string;
  msg: string;
  id: number;
  sentAt: number;
  deliveredAt?: number;
  dropped?: string;
}

export interface RequestTraceModel {
  requestId: string;
  op: RequestStarted['op'];
  key: string;
  coordinator: string;
  startedAt: number;
  needed: number;
  forwardedFrom?: { node: string; at: number };
  replicas: TraceReplica[];
  completion?: RequestCompleted;
  writeBack?: TraceWriteBackPhase;
  readRepair?: ReadRepairSent;
  messages: TraceMessage[];
  /** Time of the last thing drawn. */
  endAt: number;
}

/** The event types a request's trace is assembled from, each carrying the request's id. */
export const traceEventTypes: ReadonlySet<string> = new Set([
  'request.started',
  'request.forwarded',
  'request.forward-expired',
  'replica.answered',
  'request.completed',
  'read-repair.sent',
  'write-back.sent',
  'write-back.acked',
]);

/** Message types of the replication protocol (the ones a trace draws). */
export const traceMessageTypes = new Set([
  'replica-put',
  'replica-put-ack',
  'replica-get',
  'replica-get-reply',
  'read-repair',
  'forward',
  'forward-reply',
]);

const withId = (requestId: string) => (e: AnyEvent) => (e as { requestId?: unknown }).requestId === requestId;

/** The trace of `requestId`, or null when its request.started event is not among `events`. */
export function buildTrace(
  requestId: string,
  events: readonly AnyEvent[],
  options: { messages?: readonly AnyEvent[]; standIns?: Readonly<Record<string, string>> } = {},
): RequestTraceModel | null {
  const mine = events.filter(withId(requestId)) as ClusterEvent[];
  const started = mine.find((e): e is RequestStarted => e.type === 'request.started');
  if (!started) return null;
  const completion = mine.find((e): e is RequestCompleted => e.type === 'request.completed');
  const readRepair = mine.find((e): e is ReadRepairSent => e.type === 'read-repair.sent');
  const writeBack = writeBackPhase(mine);
  const forward = mine.find((e): e is RequestForwarded => e.type === 'request.forwarded');
  const standIns = { ...eventStandIns(started), ...options.standIns };
  const replicas = traceReplicas(started, mine, completion, readRepair, standIns);
  const participants = new Set([started.node, ...started.replicas, ...(forward ? [forward.node] : [])]);
  const from = forward ? forward.at : started.at;
  const lastEvent = Math.max(...mine.map((e) => e.at));
  const owner: TraceOwner = { coordinator: started.node, opNumber: started.opNumber };
  if (forward) owner.forward = { node: forward.node, opNumber: forward.opNumber };
  const messages = pairMessages(options.messages ?? [], participants, from, lastEvent, owner);
  const endAt = Math.max(lastEvent, ...messages.map((m) => m.deliveredAt ?? m.sentAt));
  return {
    requestId,
    op: started.op,
    key: started.key,
    coordinator: started.node,
    startedAt: started.at,
    needed: started.needed,
    ...(forward ? { forwardedFrom: { node: forward.node, at: forward.at } } : {}),
    replicas,
    ...(completion ? { completion } : {}),
    ...(writeBack ? { writeBack } : {}),
    ...(readRepair ? { readRepair } : {}),
    messages,
    endAt,
  };
}

/** The write-back's sends (one, or more after a refusal) and acks, in time order. */
function writeBackPhase(mine: readonly ClusterEvent[]): TraceWriteBackPhase | undefined {
  const sent = mine.filter((e): e is WriteBackSent => e.type === 'write-back.sent');
  const first = sent[0];
  if (!first) return undefined;
  const writes = sent.flatMap((e) => e.replicas.map((node): TraceWriteBack => ({ node, sentAt: e.at })));
  for (const ack of mine.filter((e): e is WriteBackAcked => e.type === 'write-back.acked')) {
    const write = writes.find((w) => w.node === ack.replica && w.answeredAt === undefined);
    if (write) Object.assign(write, { answeredAt: ack.at, ok: ack.ok });
  }
  // The coordinator's own copy is stored at once: it sends itself no message and no ack.
  for (const w of writes) if (w.node === first.node) Object.assign(w, { answeredAt: w.sentAt, ok: true });
  return { at: first.at, holders: first.holders, needed: first.needed, writes };
}

function eventStandIns(started: RequestStarted): Record<string, string> {
  const raw = (started as unknown as { standIns?: unknown }).standIns;
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;
}

type Answer = Pick<EventOf<'replica.answered'>, 'replica' | 'at' | 'ok' | 'late'>;

/**
 * The coordinator's own write counts toward W as soon as it is durable, and the engine reports no
 * `replica.answered` for it: a counted replica without an answer event is that local write, made
 * when the request started.
 */
function localAnswers(
  started: RequestStarted,
  mine: readonly ClusterEvent[],
  counted: ReadonlySet<string> | null,
): Answer[] {
  if (!counted) return [];
  const answered = new Set(mine.flatMap((e) => (e.type === 'replica.answered' ? [e.replica] : [])));
  return started.replicas
    .filter((node) => counted.has(node) && !answered.has(node))
    .map((node) => ({ replica: node, at: started.at, ok: true, late: false }));
}

function traceReplicas(
  started: RequestStarted,
  mine: readonly ClusterEvent[],
  completion: RequestCompleted | undefined,
  readRepair: ReadRepairSent | undefined,
  standIns: Record<string, string>,
): TraceReplica[] {
  const counted = completion ? new Set<string>(completion.answeredBy) : null;
  const answers = [
    ...localAnswers(started, mine, counted),
    ...mine.filter((e) => e.type === 'replica.answered'),
  ];
  let rank = 0;
  const ranks = new Map<string, number>();
  for (const a of answers) {
    const counts = counted ? counted.has(a.replica) : a.ok && !a.late;
    if (counts && !ranks.has(a.replica)) ranks.set(a.replica, ++rank);
  }
  return started.replicas.map((node, i) => {
    const answer = answers.find((a) => a.replica === node);
    const hintFor = (answer as { hintFor?: unknown } | undefined)?.hintFor;
    const standInFor = standIns[node] ?? (typeof hintFor === 'string' ? hintFor : undefined);
    const replica: TraceReplica = {
      node,
      asked: i + 1,
      state: 'waiting',
      repaired: !!readRepair?.replicas.includes(node),
    };
    if (standInFor) replica.standInFor = standInFor;
    if (!answer) {
      replica.state = completion ? 'no answer' : 'waiting';
      return replica;
    }
    replica.answeredAt = answer.at;
    replica.latencyMs = answer.at - started.at;
    const r = ranks.get(node);
    if (r !== undefined) {
      replica.rank = r;
      replica.state = 'counted';
    } else replica.state = !answer.ok ? 'failed' : answer.late ? 'late' : 'answered';
    return replica;
  });
}

/**
 * Which messages are this request's: the ones numbered with it (its coordinator's replica requests
 * and their answers carry the coordinator's `opNumber`; a forward and its reply, the forwarder's).
 * Other requests' messages between the same nodes at the same time are left out. A message with no
 * number (a read repair, or an event from a driver that does not number them) is kept when it
 * runs between the participants inside the request's time span, as before numbering.
 */
/** A sent or dropped message event. */
type MessageEvent = EventOf<'message.sent'> | EventOf<'message.dropped'>;

export interface TraceOwner {
  coordinator: string;
  opNumber?: number;
  forward?: { node: string; opNumber?: number };
}

function belongs(e: MessageEvent, owner: TraceOwner | undefined): boolean {
  if (owner === undefined || e.opNumber === undefined) return true;
  const { coordinator, forward } = owner;
  if (e.msg === 'forward' || e.msg === 'forward-reply') {
    const ends: string[] = [e.node, e.to];
    return (
      forward !== undefined &&
      ends.includes(forward.node) &&
      ends.includes(coordinator) &&
      e.opNumber === forward.opNumber
    );
  }
  return (e.node === coordinator || e.to === coordinator) && e.opNumber === owner.opNumber;
}

/** The request's replication messages (see `belongs`) from `from` to `until`, paired with their fate. */
export function pairMessages(
  events: readonly AnyEvent[],
  participants: ReadonlySet<string>,
  from: number,
  until: number,
  owner?: TraceOwner,
): TraceMessage[] {
  const byId = new Map<string, TraceMessage>();
  const drawn = (e: MessageEvent) =>
    e.at >= from &&
    e.at <= until &&
    traceMessageTypes.has(e.msg) &&
    participants.has(e.node) &&
    participants.has(e.to) &&
    belongs(e, owner);
  for (const e of events as ClusterEvent[]) {
    if (e.type === 'message.sent') {
      if (drawn(e))
        byId.set(`${e.node}:${e.id}`, { from: e.node, to: e.to, msg: e.msg, id: e.id, sentAt: e.at });
    } else if (e.type === 'message.delivered') {
      const m = byId.get(`${e.from}:${e.id}`);
      if (m) m.deliveredAt = e.at;
    } else if (e.type === 'message.dropped') {
      const m = byId.get(`${e.node}:${e.id}`);
      if (m) m.dropped = e.reason;
      else if (drawn(e)) {
        const dropped = { from: e.node, to: e.to, msg: e.msg, id: e.id, sentAt: e.at, dropped: e.reason };
        byId.set(`${e.node}:${e.id}`, dropped);
      }
    }
  }
  return [...byId.values()].sort((a, b) => a.sentAt - b.sentAt);
}

/** Lanes top to bottom: the forwarding node, the coordinator, then the other replicas as asked. */
export function traceLanes(model: RequestTraceModel): string[] {
  const lanes: string[] = [];
  if (model.forwardedFrom && model.forwardedFrom.node !== model.coordinator)
    lanes.push(model.forwardedFrom.node);
  lanes.push(model.coordinator);
  for (const r of model.replicas) if (!lanes.includes(r.node)) lanes.push(r.node);
  for (const m of model.messages) for (const id of [m.from, m.to]) if (!lanes.includes(id)) lanes.push(id);
  return lanes;
}

/** The request's story as sentences, in time order: the trace for readers and screen readers. */
export function traceSteps(model: RequestTraceModel): string[] {
  const q = `${model.op === 'get' ? 'R' : 'W'}=${model.needed}`;
  const steps: string[] = [];
  if (model.forwardedFrom)
    steps.push(`${model.forwardedFrom.node} forwarded the request to ${model.coordinator}.`);
  steps.push(
    `${model.coordinator} coordinated ${model.op} ${model.key}, asking ${model.replicas.map((r) => r.node).join(', ')}; it needs ${q}.`,
  );
  const rel = (ms?: number) => (ms === undefined ? '' : ` after ${formatMs(ms)}`);
  for (const r of [...model.replicas].sort(
    (a, b) => (a.answeredAt ?? Infinity) - (b.answeredAt ?? Infinity),
  )) {
    const who = r.standInFor ? `${r.node} (standing in for ${r.standInFor}, holding a hint)` : r.node;
    if (r.state === 'counted') steps.push(`${who} answered${rel(r.latencyMs)}: answer ${r.rank} of ${q}.`);
    else if (r.state === 'late') steps.push(`${who} answered late${rel(r.latencyMs)}, after the reply.`);
    else if (r.state === 'failed') steps.push(`${who} answered with a failure${rel(r.latencyMs)}.`);
    else if (r.state === 'answered') steps.push(`${who} answered${rel(r.latencyMs)}.`);
    else if (r.state === 'no answer') steps.push(`${who} never answered.`);
    else steps.push(`${who} has not answered yet.`);
  }
  const wb = model.writeBack;
  if (wb) {
    const held = wb.holders.length === 0 ? 'no replica' : `only ${wb.holders.join(', ')}`;
    steps.push(
      `Write-back before the reply: ${held} held the result; ${model.coordinator} sent it to ${wb.writes.map((w) => w.node).join(', ')} and replies once ${wb.needed} replicas hold it, so that every later read meets one.`,
    );
    for (const w of wb.writes) {
      if (w.ok === true)
        steps.push(`${w.node} stored the result durably${rel((w.answeredAt ?? wb.at) - wb.at)}.`);
      else if (w.ok === false) steps.push(`${w.node} refused the write-back.`);
    }
  }
  const c = model.completion;
  if (!c) steps.push('The request is still in flight.');
  else if (c.outcome === 'ok') steps.push(`${q} reached: replied ok after ${formatMs(c.latencyMs)}.`);
  else if (c.outcome === 'fail')
    steps.push(`Failed after ${formatMs(c.latencyMs)}${c.error ? `: ${c.error}` : ''}.`);
  else
    steps.push(
      `Timed out after ${formatMs(c.latencyMs)} with ${c.answeredBy.length} of ${q}; the outcome is unknown.`,
    );
  if (model.readRepair)
    steps.push(
      `Read repair: ${model.coordinator} sent the newest versions to ${model.readRepair.replicas.join(', ')}.`,
    );
  return steps;
}
