/**
 * Read repair, before or after the reply (SPEC 1.4; the cluster's `readRepair` setting).
 *
 * After the reply (`after-reply`, Dynamo's read repair): the coordinator answers as soon as R
 * replicas have, listens `readRepairWaitMs` for late answers, then pushes the reconciled set to the
 * replicas that returned less (`repairAfterReply`). Nothing waits for it, so it may be lost or late.
 *
 * Before the reply (`before-reply`, the default; blocking read repair as in ABD and Cassandra's
 * QUORUM reads): a read must not show a version that a later read quorum could miss. With N replicas
 * and reads of R, a later read quorum meets the result for sure when at least N − R + 1 replicas
 * hold it (two sets of R and N − R + 1 out of N share one). The holders are the answering replicas
 * whose answer equals the result, plus replicas that acknowledged its write-back — an ack is sent
 * once the write is durable, and a replica's set after the write holds every result version or one
 * descending from it, so every later read reconciles to a context covering the result's.
 *
 *   quorum met ─▶ holders ≥ N−R+1 ? ─yes─▶ reply ─▶ (late answers, read repair after the reply)
 *                        │ no
 *                        ▼
 *        write back to every stale answering replica (and, after a refusal, to replicas that have
 *        not answered) ─▶ acks ─▶ holders ≥ N−R+1 ─▶ reply          deadline ─▶ fail: KV_TIMEOUT
 *
 * When the R answers agree — the common case — they are R holders, and R ≥ N − R + 1 for a majority
 * R: the reply goes at once, as after the reply. The write-back goes to every stale answering owner
 * at once (they are at least the missing N − R + 1 − holders, since holders + stale answers = R; and
 * one lost message then does not stall the read); read repair after the reply still runs for the
 * stale replicas it did not reach, such as late answers. With per-data-centre levels the count is per
 * data centre (N_dc − R_dc + 1 each).
 *
 * Where no write-back can make the promise, the read replies at once and repairs after the reply:
 * - a read whose R is below a majority (R < N − R + 1, e.g. R=1 of 3): it would have to wait for or
 *   write to more replicas than it asked to hear from, which is what a small R is chosen to avoid;
 * - a read with sloppy-quorum stand-ins among its targets: a later read may meet other stand-ins, so
 *   no count of holders is sure to be met (and stand-ins, keeping hints only, never count as holders).
 * The checkers promise monotonic reads only where the write-back keeps it (sessions.ts).
 *
 * Last-write-wins mode writes back the one version the read shows (the latest by timestamp); a
 * replica keeps it or a later one, and a replica holds the result when its answer is that version.
 */

import { assert } from '../assert.ts';
import type { KvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import type { ConflictMode } from '../scenario/types.ts';
import { resolveLastWriteWins } from '../versioning/lastWriteWins.ts';
import { contextOf, reconcile, sameSiblings, type Version } from '../versioning/siblings.ts';
import type { VectorClock } from '../versioning/vectorClock.ts';
import type { QuorumRule, TargetDataCentre } from './consistency.ts';

/** What repairing needs of the coordinator's host (CoordinatorHost provides it). */
export interface RepairHost {
  readonly self: NodeId;
  send(to: NodeId, body: Message, out: NodeOutput, early?: boolean): void;
  writeLocal(
    key: string,
    versions: Version[],
    cause: 'read-repair',
    hintFor: NodeId | undefined,
    now: number,
    out: NodeOutput,
  ): KvError | null;
}

/** The parts of a read in flight that repairing reads. */
export interface RepairedRead {
  readonly op: number;
  readonly key: string;
  readonly request: { readonly requestId: string };
  readonly targets: readonly NodeId[];
  readonly hintFor: ReadonlyMap<NodeId, NodeId>;
  readonly rule: QuorumRule;
  readonly dcOf: TargetDataCentre;
  readonly answers: ReadonlyMap<NodeId, Version[]>;
}

/** What a read shows: the reconciled siblings (last-write-wins: the latest of them) and the context. */
export interface ReadResult {
  shown: Version[];
  context: VectorClock;
}

export function readResult(answers: Iterable<Version[]>, mode: ConflictMode): ReadResult {
  const reconciled = reconcile([...answers]);
  if (mode !== 'lww') return { shown: reconciled.siblings, context: reconciled.context };
  // Last-write-wins shows one version, and the context is what the client was shown.
  const shown = lastWriteWinsView(reconciled.siblings);
  return { shown, context: contextOf(shown) };
}

/** In last-write-wins mode a read shows one version: the latest by timestamp. */
function lastWriteWinsView(siblings: Version[]): Version[] {
  const { winner } = resolveLastWriteWins(siblings);
  return winner ? [winner] : [];
}

/** Every answer is the result: the common case, where nothing needs writing back. */
export function answersAgree(answers: ReadonlyMap<NodeId, Version[]>, result: readonly Version[]): boolean {
  for (const answer of answers.values()) if (!sameSiblings(answer, result)) return false;
  return true;
}

/**
 * Holders needed before the reply: N − R + 1 over the targets, or per data centre for per-DC
 * levels; null when no write-back can keep the promise (see the header).
 */
export function holdersNeeded(read: RepairedRead): Map<string | null, number> | null {
  if (read.hintFor.size > 0) return null; // stand-ins: a later read may meet other ones
  const { rule, targets, dcOf } = read;
  const needs = new Map<string | null, number>();
  if (rule.perDataCentre === null) needs.set(null, targets.length - rule.needed + 1);
  else {
    for (const [dc, q] of Object.entries(rule.perDataCentre)) {
      const n = targets.filter((t) => dcOf(t) === dc).length;
      if (q < n - q + 1) return null;
      needs.set(dc, n - q + 1);
    }
  }
  const total = needs.get(null);
  return total !== undefined && rule.needed < total ? null : needs;
}

/**
 * One read's write-back before its reply: who holds the result, who was sent it, and whether the
 * holders now make every later read quorum meet it.
 */
export class WriteBack {
  readonly holders = new Set<NodeId>();
  /** Replicas sent the result and not yet answered. */
  private readonly inFlight = new Set<NodeId>();
  /** Replicas sent the result (answered or not): never sent it twice. */
  private readonly sent = new Set<NodeId>();

  constructor(
    private readonly host: RepairHost,
    private readonly read: RepairedRead,
    /** The versions the read will show, written back as they are. */
    readonly result: Version[],
    private readonly needs: Map<string | null, number>,
  ) {}

  /** Holders needed in all (for events and sentences). */
  get needed(): number {
    let sum = 0;
    for (const k of this.needs.values()) sum += k;
    return sum;
  }

  /** The holders make every later read quorum meet the result. */
  get enough(): boolean {
    return this.meets(this.holders);
  }

  /** Counts the answers that equal the result; writes it back to every other answering replica. */
  begin(now: number, out: NodeOutput): void {
    for (const [node, answer] of this.read.answers) if (this.holds(answer)) this.holders.add(node);
    if (this.enough) return;
    const stale = [...this.read.answers.keys()].filter((node) => !this.holders.has(node));
    this.writeBack(stale, now, out);
    this.topUp(now, out);
  }

  /** A late answer to the read: a holder when it equals the result; otherwise it may need the result. */
  onAnswer(from: NodeId, answer: Version[], now: number, out: NodeOutput): void {
    if (this.holds(answer)) this.holders.add(from);
    else this.topUp(now, out);
  }

  /** A replica's ack of the write-back: durable there (`ok`), or refused — then ask another. */
  onAck(from: NodeId, ok: boolean, now: number, out: NodeOutput): void {
    if (!this.inFlight.delete(from)) return; // not sent, or answered already (a duplicate)
    if (ok) this.holders.add(from);
    out.events.push({
      type: 'write-back.acked',
      at: now,
      node: this.host.self,
      requestId: this.read.request.requestId,
      replica: from,
      ok,
      holders: this.holders.size,
    });
    if (!ok) this.topUp(now, out);
  }

  /** For the timeout's sentence: `1 of 3 replicas hold its result (2 needed …)`. */
  describe(): string {
    const r =
      this.read.rule.perDataCentre === null ? `R=${this.read.rule.needed}` : `R=${this.read.rule.level}`;
    return `${this.holders.size} of ${this.read.targets.length} replicas hold its result (${this.needed} needed so that every later ${r} read meets it)`;
  }

  private holds(answer: readonly Version[]): boolean {
    return sameSiblings(answer, this.result);
  }

  private meets(nodes: ReadonlySet<NodeId>): boolean {
    for (const [dc, k] of this.needs) {
      let have = 0;
      for (const node of nodes) if (dc === null || this.read.dcOf(node) === dc) have++;
      if (have < k) return false;
    }
    return true;
  }

  /** Sends the result to replicas not yet sent it, answered or not, while holders and sends fall short. */
  private topUp(now: number, out: NodeOutput): void {
    const counted = new Set([...this.holders, ...this.inFlight]);
    if (this.meets(counted)) return;
    const { answers, targets } = this.read;
    const waiting = (node: NodeId) => !this.sent.has(node) && !this.holders.has(node);
    // Stale answering replicas first, then those that have not answered, in preference order.
    const candidates = [
      ...targets.filter((node) => answers.has(node) && waiting(node)),
      ...targets.filter((node) => !answers.has(node) && waiting(node)),
    ];
    const chosen: NodeId[] = [];
    for (const node of candidates) {
      if (!this.shortWhere(counted, node)) continue;
      counted.add(node);
      chosen.push(node);
    }
    this.writeBack(chosen, now, out);
  }

  /** Whether `nodes` fall short of the holders needed where `node` counts (in all, or in its DC). */
  private shortWhere(nodes: ReadonlySet<NodeId>, node: NodeId): boolean {
    const where = this.needs.has(null) ? null : this.read.dcOf(node);
    const k = where === undefined ? undefined : this.needs.get(where);
    if (k === undefined) return false;
    let have = 0;
    for (const n of nodes) if (where === null || this.read.dcOf(n) === where) have++;
    return have < k;
  }

  private writeBack(replicas: NodeId[], now: number, out: NodeOutput): void {
    if (replicas.length === 0) return;
    assert(this.result.length > 0, 'a write-back carries versions: an empty result is held by every answer');
    const { op, key } = this.read;
    const holdersBefore = [...this.holders];
    for (const replica of replicas) {
      this.sent.add(replica);
      if (replica !== this.host.self) {
        this.inFlight.add(replica);
        const put = { type: 'replica-put', op, key, versions: this.result, readRepair: true } as const;
        this.host.send(replica, put, out, true);
        // The coordinator's own copy is durable before anything leaves this step (syncBeforeSend).
      } else if (!this.host.writeLocal(key, this.result, 'read-repair', undefined, now, out)) {
        this.holders.add(replica);
      }
    }
    out.events.push({
      type: 'write-back.sent',
      at: now,
      node: this.host.self,
      requestId: this.read.request.requestId,
      key,
      replicas,
      holders: holdersBefore,
      needed: this.needed,
    });
  }
}

/**
 * Read repair after the reply (SPEC 1.4): replicas that answered with less than the reconciled set
 * get it — except those a write-back already gave this very set.
 */
export function repairAfterReply(
  read: RepairedRead,
  writeBack: WriteBack | null,
  mode: ConflictMode,
  host: RepairHost,
  now: number,
  out: NodeOutput,
): void {
  if (sameObjects(read.answers)) return; // the replicas agree: nothing to reconcile or repair
  const replicas = [...read.answers.keys()];
  const { siblings, staleReplicas } = reconcile([...read.answers.values()]);
  const written =
    writeBack !== null && sameSiblings(readResult([siblings], mode).shown, writeBack.result)
      ? writeBack.holders
      : null;
  // Stand-ins are not repaired: what they hold is handed off to the owner, not kept.
  const stale = staleReplicas
    .map((i) => replicas[i] as NodeId)
    .filter((node) => !read.hintFor.has(node) && !written?.has(node));
  if (stale.length === 0) return;
  for (const replica of stale) {
    if (replica === host.self) host.writeLocal(read.key, siblings, 'read-repair', undefined, now, out);
    else host.send(replica, { type: 'read-repair', key: read.key, siblings }, out);
  }
  out.events.push({
    type: 'read-repair.sent',
    at: now,
    node: host.self,
    requestId: read.request.requestId,
    key: read.key,
    replicas: stale,
  });
}

/**
 * Whether every answer holds the very same version objects as the others (the common case: replicas
 * keep the objects a coordinator sent them). Such answers reconcile to themselves and none is stale.
 * Identity, not `sameSiblings`: equal-looking versions could still be different writes (their dots).
 */
function sameObjects(answers: ReadonlyMap<NodeId, readonly Version[]>): boolean {
  let first: readonly Version[] | undefined;
  for (const answer of answers.values()) {
    first ??= answer;
    if (answer.length !== first.length) return false;
    for (let i = 0; i < answer.length; i++) if (answer[i] !== first[i]) return false;
  }
  return true;
}
