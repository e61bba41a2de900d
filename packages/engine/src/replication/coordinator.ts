/**
 * The coordinator of get, put and delete requests (Dynamo §4.5, SPEC 1.4). Any node coordinates;
 * it asks the key's N replicas (itself included, answering locally and durably), answers the client
 * once R reads or W acknowledgements are in, and gives up at a deadline with an error that says how
 * many answered. A read whose result is not yet on enough replicas writes it back before replying
 * (readRepair.ts, `before-reply`); after replying it keeps listening for late answers for a short
 * while and then pushes the reconciled versions to the replicas that returned stale ones.
 *
 *   start ─▶ ask replicas ─▶ answers ≥ needed ─▶ (read) write-back ─▶ reply ok ─▶ late answers ─▶ read repair
 *                 └──────────────── deadline ──▶ reply fail/info ─────────────────────────────────────▶ done
 *
 * The coordinator holds no I/O: it is handed `now` and an output to fill, and its host (the node)
 * supplies the targets (requestPlan.ts), the local replica store and the way to send and reply.
 * Answers are counted by the request's quorum rule (consistency.ts): over all targets for ONE,
 * QUORUM, ALL and numbers, per data centre for LOCAL_QUORUM and EACH_QUORUM.
 */

import { isKvError, type KvError, kvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import type { ConflictMode, ReadRepairMode } from '../scenario/types.ts';
import type { Actor } from '../versioning/actor.ts';
import { newVersion } from '../versioning/newVersion.ts';
import { syncSiblings, type Version } from '../versioning/siblings.ts';
import { emptyClock } from '../versioning/vectorClock.ts';
import {
  describeQuorum,
  type QuorumRule,
  quorumMet,
  quorumReachable,
  type TargetDataCentre,
} from './consistency.ts';
import type { RequestCompleted } from './events.ts';
import {
  type Pending,
  type PendingCommon,
  type PendingRead,
  type PendingWrite,
  standInsAmong,
} from './pendingRequest.ts';
import { answersAgree, holdersNeeded, readResult, repairAfterReply, WriteBack } from './readRepair.ts';
import type { DeleteRequest, GetRequest, KvReply, PutRequest } from './requests.ts';
import { failure } from './requests.ts';

export interface CoordinatorSettings {
  requestTimeoutMs: number;
  readRepairWaitMs: number;
  /** Whether a read writes its result back before replying when it must (readRepair.ts). */
  readRepair: ReadRepairMode;
  conflictMode: ConflictMode;
  clockEntriesMax?: number;
}

/** Where a reply goes: to the node's own client, or back to the node that forwarded the request. */
export type ReplyTo = { kind: 'client' } | { kind: 'forward'; node: NodeId; op: number };

export interface CoordinatorHost {
  readonly self: NodeId;
  /** `early`: the message may leave before this step's sync (the node contract's `early`). */
  send(to: NodeId, body: Message, out: NodeOutput, early?: boolean): void;
  reply(replyTo: ReplyTo, reply: KvReply, out: NodeOutput): void;
  /** This node's versions of `key`: its own data plus any hints it holds for the key. */
  readLocal(key: string): Version[] | KvError;
  /**
   * The name and counters of this node's new dots (versioning/actor.ts). `issue` is true when it
   * wrote the lease to disk, which is only durable at the step's sync on some backends.
   */
  readonly dots: Pick<Actor, 'name' | 'floor' | 'issue'>;
  /**
   * Stores versions on this node — as a hint for `hintFor` when it stands in for that replica — and
   * asks for a sync before anything is sent (`out.syncBeforeSend`).
   */
  writeLocal(
    key: string,
    versions: Version[],
    cause: 'coordinator' | 'read-repair',
    hintFor: NodeId | undefined,
    now: number,
    out: NodeOutput,
  ): KvError | null;
}

/** Whom to ask and what counts as success: a plan's part the coordinator needs (requestPlan.ts). */
export interface Quorum {
  targets: NodeId[];
  /** Stand-ins among the targets → the replica each stands in for (sloppy quorum). */
  hintFor: ReadonlyMap<NodeId, NodeId>;
  rule: QuorumRule;
  /** The data centre each target answers for, for per-DC rules. */
  dcOf: TargetDataCentre;
}

export class Coordinator {
  private readonly pending = new Map<number, Pending>();
  private nextOp = 1;

  /** Numbers this incarnation's requests from `first` on (versioning/actor.ts `opBase`). */
  numberOpsFrom(first: number): void {
    this.nextOp = first;
  }
  /** `nextDeadline()`'s answer, or undefined once a request started, ended or set its repair time. */
  private earliest: number | null | undefined = null;

  constructor(
    private readonly host: CoordinatorHost,
    private readonly settings: CoordinatorSettings,
  ) {}

  get inFlight(): number {
    return this.pending.size;
  }

  /** A put or delete: make the new version, store it locally, send it to the other replicas. */
  startWrite(
    request: PutRequest | DeleteRequest,
    quorum: Quorum,
    replyTo: ReplyTo,
    now: number,
    out: NodeOutput,
  ): void {
    const { self } = this.host;
    const { targets, hintFor } = quorum;
    const local = this.host.readLocal(request.key);
    if (!Array.isArray(local)) {
      this.host.reply(replyTo, failure(request, self, 'fail', local), out);
      return;
    }
    const version = newVersion({
      context: request.context ?? emptyClock,
      coordinator: this.host.dots.name,
      now,
      value: request.type === 'put' ? request.value : null,
      writer: self,
      local,
      entriesMax: this.settings.clockEntriesMax,
      counterFloor: this.host.dots.floor,
    });
    const leased = this.host.dots.issue(version.dot?.counter ?? 0);
    if (isKvError(leased)) {
      this.host.reply(replyTo, failure(request, self, 'fail', leased), out);
      return;
    }
    const isReplica = targets.includes(self);
    // W counts the coordinator's own write once it is durable (writeLocal asks for the sync).
    const refused = isReplica
      ? this.host.writeLocal(request.key, [version], 'coordinator', hintFor.get(self), now, out)
      : null;
    if (refused) {
      this.host.reply(replyTo, failure(request, self, 'fail', refused), out);
      return;
    }
    // Replicas get the new version with every sibling of ours it does not cover (see ReplicaPut),
    // even when we do not store it (a ring catching up): else a context read from them would cover
    // our earlier dots unseen, and the next write would drop them (sloppy, after a wipe: seed 163).
    // A replica ships what it now holds; a coordinator that is none, its own set with the version.
    const after = isReplica ? this.host.readLocal(request.key) : this.withVersion(local, version);
    const shipped = Array.isArray(after) ? after : [version];
    const write: PendingWrite = {
      kind: 'write',
      ...this.common(request.key, quorum, replyTo, now),
      request,
      version,
      acked: isReplica ? [self] : [],
      refused: [],
    };
    this.started(write, request.requestId, request.type, now, out);
    // Every target at once, not W−1 first and the rest after the quorum: in a variant of the lab
    // benchmark's bare prototype (barePrototype.ts), puts one at a time that held the third copy back
    // until the reply took 0.78–0.84 ms at the median instead of 0.65–0.67 ms: the held copy's write
    // and flush landed on the next put (the replica asked alone did answer ~0.08 ms sooner).
    for (const target of targets) {
      if (target === self) continue;
      const owner = hintFor.get(target);
      const put = { type: 'replica-put', op: write.op, key: request.key, versions: shipped } as const;
      // Early: the replicas store and flush while this node flushes its own copy (contract.ts) —
      // unless the dot needed a new lease, which must be durable before the dot leaves.
      this.host.send(target, owner ? { ...put, hintFor: owner } : put, out, !leased);
    }
    this.progressWrite(write, now, out);
  }

  /** `local` with `version` added, as a replica would sync it (last-write-wins: the version alone). */
  private withVersion(local: Version[], version: Version): Version[] {
    return this.settings.conflictMode === 'lww' ? [version] : syncSiblings(local, [version]);
  }

  /** A get: read locally when this node is a replica, and ask the others. */
  startRead(request: GetRequest, quorum: Quorum, replyTo: ReplyTo, now: number, out: NodeOutput): void {
    const { targets } = quorum;
    const read: PendingRead = {
      kind: 'read',
      ...this.common(request.key, quorum, replyTo, now),
      request,
      answers: new Map(),
      repairAt: null,
      writeBack: null,
      held: null,
    };
    this.started(read, request.requestId, 'get', now, out);
    for (const target of targets) {
      if (target !== this.host.self)
        this.host.send(target, { type: 'replica-get', op: read.op, key: request.key }, out);
    }
    if (targets.includes(this.host.self)) {
      const local = this.host.readLocal(request.key);
      if (Array.isArray(local)) read.answers.set(this.host.self, local);
    }
    this.progressRead(read, now, out);
  }

  onPutAck(from: NodeId, op: number, ok: boolean, now: number, out: NodeOutput): void {
    const write = this.pending.get(op);
    if (write?.kind === 'read' && write.writeBack !== null) {
      write.writeBack.onAck(from, ok, now, out); // a read's write-back (readRepair.ts)
      this.progressRead(write, now, out);
      return;
    }
    if (write?.kind !== 'write' || !write.targets.includes(from)) return;
    if (write.acked.includes(from) || write.refused.includes(from)) return; // a duplicate message
    (ok ? write.acked : write.refused).push(from);
    this.answered(write, from, ok, now, out);
    this.progressWrite(write, now, out);
  }

  onGetReply(from: NodeId, op: number, siblings: Version[], now: number, out: NodeOutput): void {
    const read = this.pending.get(op);
    if (read?.kind !== 'read' || !read.targets.includes(from) || read.answers.has(from)) return;
    read.answers.set(from, siblings);
    this.answered(read, from, true, now, out);
    if (!read.replied) read.writeBack?.onAnswer(from, siblings, now, out);
    this.progressRead(read, now, out);
  }

  /** Fires deadlines and read-repair windows. */
  tick(now: number, out: NodeOutput): void {
    const next = this.nextDeadline();
    if (next === null || now < next) return; // nothing due: most steps end here
    for (const entry of [...this.pending.values()]) {
      if (entry.kind === 'read' && entry.repairAt !== null && now >= entry.repairAt)
        this.finishRead(entry, out);
      else if (now >= entry.deadline) this.expire(entry, now, out);
    }
  }

  /** The earliest deadline or read-repair time of the requests in flight (memoised until they change). */
  nextDeadline(): number | null {
    if (this.earliest !== undefined) return this.earliest;
    let next: number | null = null;
    for (const entry of this.pending.values()) {
      // A read past its deadline expires even while it waits to repair (see `tick`).
      const at =
        entry.kind === 'read' && entry.repairAt !== null
          ? Math.min(entry.repairAt, entry.deadline)
          : entry.deadline;
      if (next === null || at < next) next = at;
    }
    this.earliest = next;
    return next;
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  /** Drops a finished request; the memoised next deadline is recomputed when next asked. */
  private forget(op: number): void {
    if (this.pending.delete(op)) this.earliest = undefined;
  }

  private common(key: string, quorum: Quorum, replyTo: ReplyTo, now: number): PendingCommon {
    const op = this.nextOp++;
    const deadline = now + this.settings.requestTimeoutMs;
    const { targets, hintFor, rule, dcOf } = quorum;
    const needed = rule.needed;
    return {
      op,
      key,
      targets,
      hintFor,
      needed,
      rule,
      dcOf,
      startedAt: now,
      deadline,
      replyTo,
      replied: false,
    };
  }

  private started(
    entry: Pending,
    requestId: string,
    op: 'get' | 'put' | 'delete',
    now: number,
    out: NodeOutput,
  ): void {
    this.pending.set(entry.op, entry);
    this.earliest = undefined;
    out.events.push({
      type: 'request.started',
      at: now,
      node: this.host.self,
      requestId,
      op,
      opNumber: entry.op,
      key: entry.key,
      replicas: entry.targets,
      needed: entry.needed,
      ...(entry.hintFor.size > 0 && { standIns: Object.fromEntries(entry.hintFor) }),
    });
  }

  private answered(entry: Pending, replica: NodeId, ok: boolean, now: number, out: NodeOutput): void {
    const requestId = entry.request.requestId;
    out.events.push({
      type: 'replica.answered',
      at: now,
      node: this.host.self,
      requestId,
      replica,
      ok,
      late: entry.replied,
    });
  }

  private progressWrite(write: PendingWrite, now: number, out: NodeOutput): void {
    if (!write.replied && quorumMet(write.rule, write.acked, write.dcOf)) {
      const { request } = write;
      const standIns = standInsAmong(write, write.acked);
      const reply: KvReply = {
        type: request.type,
        requestId: request.requestId,
        coordinator: this.host.self,
        ok: true,
        clock: write.version.clock,
        ...(write.version.dot ? { dot: write.version.dot } : {}),
        ackedBy: write.acked.slice(),
        ...(standIns && { standIns }),
      };
      this.complete(write, reply, now, out);
    } else if (!write.replied && !quorumReachable(write.rule, write.targets, write.refused, write.dcOf)) {
      const quorum = describeQuorum('W', write.rule, write.acked, write.dcOf);
      const error = kvError(
        'KV_QUORUM_FAILED',
        `${write.refused.length} of ${write.targets.length} replicas refused the write; ${quorum} cannot be reached`,
      );
      this.complete(write, failure(write.request, this.host.self, 'info', error), now, out);
    }
    if (write.acked.length + write.refused.length === write.targets.length) this.forget(write.op);
  }

  private progressRead(read: PendingRead, now: number, out: NodeOutput): void {
    if (read.held === null && !read.replied && quorumMet(read.rule, read.answers, read.dcOf)) {
      const { shown, context } = readResult(read.answers.values(), this.settings.conflictMode);
      const standIns = standInsAmong(read, read.answers.keys());
      read.held = {
        type: 'get',
        requestId: read.request.requestId,
        coordinator: this.host.self,
        ok: true,
        siblings: shown,
        context,
        answeredBy: [...read.answers.keys()],
        ...(standIns && { standIns }),
      };
      // Agreeing answers are R holders, enough for a majority R: no write-back (and no allocation).
      const writeBack = this.settings.readRepair === 'before-reply' && !answersAgree(read.answers, shown);
      const needs = writeBack ? holdersNeeded(read) : null;
      if (needs !== null) {
        read.writeBack = new WriteBack(this.host, read, shown, needs);
        read.writeBack.begin(now, out);
      }
    }
    if (read.held !== null && !read.replied && (read.writeBack?.enough ?? true)) {
      this.complete(read, read.held, now, out);
      read.repairAt = now + this.settings.readRepairWaitMs;
      this.earliest = undefined;
    }
    if (read.replied && read.answers.size === read.targets.length) this.finishRead(read, out);
  }

  private complete(entry: Pending, reply: KvReply, now: number, out: NodeOutput): void {
    entry.replied = true;
    const answeredBy = entry.kind === 'write' ? entry.acked.slice() : [...entry.answers.keys()];
    const event: RequestCompleted = {
      type: 'request.completed',
      at: now,
      node: this.host.self,
      requestId: entry.request.requestId,
      op: entry.request.type,
      key: entry.key,
      outcome: reply.ok ? 'ok' : reply.outcome,
      answeredBy,
      needed: entry.needed,
      latencyMs: now - entry.startedAt,
    };
    if (!reply.ok) event.error = reply.error.message;
    else if ('clock' in reply) event.clock = reply.clock;
    out.events.push(event);
    this.host.reply(entry.replyTo, reply, out);
  }

  /** Read repair after the reply (readRepair.ts), stamped with the end of the wait; the request is done. */
  private finishRead(read: PendingRead, out: NodeOutput): void {
    this.forget(read.op);
    const at = read.repairAt ?? read.deadline;
    repairAfterReply(read, read.writeBack, this.settings.conflictMode, this.host, at, out);
  }

  private expire(entry: Pending, now: number, out: NodeOutput): void {
    this.forget(entry.op);
    if (entry.replied) return;
    const answered = entry.kind === 'write' ? entry.acked : [...entry.answers.keys()];
    const verb = entry.kind === 'write' ? 'acknowledged' : 'answered';
    const quorum = describeQuorum(entry.kind === 'write' ? 'W' : 'R', entry.rule, answered, entry.dcOf);
    const writeBack = entry.kind === 'read' && entry.held !== null ? entry.writeBack : null;
    const error = kvError(
      'KV_TIMEOUT',
      writeBack
        ? `the read met ${quorum}, but after writing its result back for ${this.settings.requestTimeoutMs} ms only ${writeBack.describe()}`
        : `only ${answered.length} of ${entry.targets.length} replicas ${verb} within ${this.settings.requestTimeoutMs} ms; ${quorum}`,
    );
    // A write may have been stored by some replicas (indeterminate: info); a read changed nothing (fail).
    this.complete(
      entry,
      failure(entry.request, this.host.self, entry.kind === 'write' ? 'info' : 'fail', error),
      now,
      out,
    );
  }
}
