/**
 * The actor: the name a coordinator's dots and clock entries carry, and the lease on its counters
 * (SPEC 1.5). Riak keeps both on disk for each vnode, for the two reasons below.
 *
 * A name. A vector clock says "this writer had seen n4's writes up to counter c", which is only true
 * while n4's counters are one unbroken sequence. A node that lost its disk cannot continue that
 * sequence: its old writes live on elsewhere, it no longer knows them, and a client that read only
 * its new writes would carry a context whose n4 entry seems to cover old ones it never saw —
 * replicas would drop them, losing acknowledged writes (P1; T3's random faults, seed 440). So a node
 * that starts without its record (a wiped disk, or one too damaged to read it) takes a new name,
 * `n4~<epoch>`, whose counters are never compared with the old name's. Only a node's very first
 * start — which its driver knows, `firstStart` — takes the plain id, so a young cluster's clocks
 * read n1:3. The epoch is the start time in seconds, base 36, and three random characters: two
 * incarnations of one node share a name only if they start in the same second and draw the same
 * three characters (1 in 46,656).
 *
 * A lease. A restarted node must never reissue a dot (node, counter) it issued before, though it
 * may have forgotten it: a version it sent to replicas before its own sync and then lost in a power
 * cut (contract.ts `early`), or one it kept only as a hint for another node and handed off. So no
 * counter above the lease is issued before the lease has been raised on disk, and a restart starts
 * its counters at the lease (`floor`). Unlike a floor taken from the clock, this holds when
 * a node's clock is set back across its restart (T3 seed 1363 did that to a wiped node).
 *
 * A start count. Replies find their request by its op number (coordinator.ts, forwarder.ts), and a
 * reply can outlive the incarnation that sent the request: a restarted node numbering its requests
 * from 1 again took a peer's late answer to its previous incarnation's read of one key for an answer
 * to its new read of another, and wrote that key's version into this one (a multi-data-centre sweep,
 * seed 138). So every start is counted here, and an incarnation numbers its requests from
 * `opBase`, 2^32 × its start count: a new name starts its count at random (an earlier name's
 * replies may still be in flight), the very first start at 0.
 *
 * File `ACTOR`: u32 crc32c(body) · body, body = UTF-8 "<name>\n<lease>\n<starts>". Rewritten and
 * flushed at every start, and whenever the lease rises, before the name, lease or count is relied
 * on; a torn rewrite reads as damaged, and the node takes a new name.
 */

import { counterLeaseStep } from '../constants.ts';
import { isKvError, type KvError } from '../errors.ts';
import { utf8Decode, utf8Encode } from '../hashing/utf8.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import type { Rng } from '../random/rng.ts';
import type { FileSystem } from '../storage/files/fileSystem.ts';
import { readU32, writeU32 } from '../storage/format/bytes.ts';
import { crc32c } from '../storage/format/crc32c.ts';

const actorFile = 'ACTOR';
const actorFileMaxBytes = 4 + 512;

/** How a node came by its actor name at this start. */
export type ActorOrigin = 'kept' | 'first' | 'no-record' | 'unreadable-record';

interface Stored {
  name: NodeId;
  lease: number;
  starts: number;
}

/** Start counts wrap here, so that `opBase` stays a safe integer (2^21 × 2^32 = 2^53). */
const startsWrap = 2 ** 21;

/** The stored name and lease, or null when the file is missing or damaged. */
function readActor(fs: FileSystem): Stored | null {
  const handle = fs.open(actorFile);
  try {
    const bytes = handle.read(0, actorFileMaxBytes);
    if (bytes.length <= 4 || crc32c(bytes, 4) !== readU32(bytes, 0)) return null;
    const [name, lease, starts] = (utf8Decode(bytes, 4) ?? '').split('\n');
    const counter = Number(lease);
    const count = Number(starts);
    if (!name || !Number.isSafeInteger(counter) || counter < 0) return null;
    if (!Number.isSafeInteger(count) || count < 0) return null;
    return { name: nodeId(name), lease: counter, starts: count };
  } finally {
    handle.close();
  }
}

/**
 * Overwrites the record in place and flushes it. Not atomic, and need not be: a crash mid-write
 * leaves a record whose checksum fails, and a node that finds it so takes a new name, which is
 * always safe. (A temporary file and a rename cost the lab's OPFS a new file and two catalog
 * flushes per lease, and the commits queued behind them timed out.)
 */
export function writeActor(fs: FileSystem, stored: Stored): void {
  const body = utf8Encode(`${stored.name}\n${stored.lease}\n${stored.starts}`);
  const bytes = new Uint8Array(4 + body.length);
  writeU32(bytes, 0, crc32c(body));
  bytes.set(body, 4);
  const handle = fs.open(actorFile, { create: true });
  try {
    handle.write(0, bytes);
    handle.truncate(bytes.length);
    handle.flush();
  } finally {
    handle.close();
  }
}

/** A new name's epoch: the start time in seconds, base 36, then three random base-36 characters. */
function epochOf(start: ActorStart): string {
  const random = start.rng
    .int(36 ** 3)
    .toString(36)
    .padStart(3, '0');
  return `${Math.floor(Math.max(0, start.now) / 1_000).toString(36)}${random}`;
}

export interface ActorStart {
  /** True only for the node's first start ever (its driver knows): it may take the plain id. */
  firstStart: boolean;
  /** The node's clock, ms: part of a new name. */
  now: number;
  rng: Rng;
}

/**
 * A node's actor for this incarnation: its name, the lease it raises before issuing past it, the
 * highest counter it issued, and the count of its starts.
 */
export class Actor {
  /** Counters of new dots start above this: the lease at the start, then every counter issued. */
  private issued: number;

  private constructor(
    private readonly fs: FileSystem,
    readonly name: NodeId,
    private leased: number,
    /** This start's count (mod 2^21). */
    readonly starts: number,
    readonly origin: ActorOrigin,
  ) {
    this.issued = leased;
  }

  /** The stored actor of node `self` counting one more start, or a new one; written before it is returned. */
  static open(fs: FileSystem, self: NodeId, start: ActorStart): Actor {
    const recorded = fs.exists(actorFile);
    const stored = recorded ? readActor(fs) : null;
    if (stored !== null) {
      const starts = (stored.starts + 1) % startsWrap;
      writeActor(fs, { ...stored, starts });
      return new Actor(fs, stored.name, stored.lease, starts, 'kept');
    }
    const name = start.firstStart ? self : nodeId(`${self}~${epochOf(start)}`);
    const starts = start.firstStart ? 0 : start.rng.int(startsWrap);
    writeActor(fs, { name, lease: 0, starts });
    const origin = start.firstStart ? 'first' : recorded ? 'unreadable-record' : 'no-record';
    return new Actor(fs, name, 0, starts, origin);
  }

  /** This incarnation numbers its requests from here: no earlier incarnation's reply can match them. */
  get opBase(): number {
    return this.starts * 2 ** 32;
  }

  /** Counters up to this may be issued without touching the disk; a restart starts above it. */
  get lease(): number {
    return this.leased;
  }

  /**
   * The counter floor of new dots (newVersion's `counterFloor`): above every counter this actor
   * issued, also of versions it no longer holds — a hint handed off, a range moved away and cleaned
   * up, a version last-write-wins dropped — whose dot a later write of the key must not reissue (an
   * lww random-fault sweep, seed 52: a node that had left reissued n1:1 for a key it once wrote).
   */
  get floor(): number {
    return this.issued;
  }

  /**
   * Issues `counter`: when it is above the lease, raises the lease past it and flushes the record
   * first. Returns true when it wrote (rarely: once per `counterLeaseStep` counters), or the
   * storage's error (a full disk): the counter must not be used then.
   */
  issue(counter: number): boolean | KvError {
    const wrote = counter > this.leased && this.raiseLease(counter);
    if (isKvError(wrote)) return wrote;
    this.issued = Math.max(this.issued, counter);
    return wrote;
  }

  private raiseLease(counter: number): true | KvError {
    const lease = counter + counterLeaseStep;
    try {
      writeActor(this.fs, { name: this.name, lease, starts: this.starts });
    } catch (error) {
      if (isKvError(error)) return error;
      throw error;
    }
    this.leased = lease;
    return true;
  }
}
