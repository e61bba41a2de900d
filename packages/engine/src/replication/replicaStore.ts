/**
 * A replica's versions of its keys, kept in the node's local store (the LSM tree): per key, the
 * sibling set encoded as one value. Applying a version is read–sync–write: the stored set and the
 * incoming versions are reduced to the non-dominated ones (Dynamo §4.4), or, in last-write-wins
 * mode, to the single version with the latest timestamp (the contrast the lab shows).
 *
 * The local store is an interface so this module does not depend on how bytes reach the disk; the
 * node hands it its `LsmStore`. A stored set that fails to decode is corruption: reported as
 * `KV_CORRUPTION`, never returned as data.
 */

import { ByteSlab, sameBytes } from '../bytes.ts';
import { isDiskFailure, isKvError, type KvError } from '../errors.ts';
import type { ConflictMode } from '../scenario/types.ts';
import { syncLastWriteWins } from '../versioning/lastWriteWins.ts';
import {
  decodeSiblings,
  encodeSiblings,
  sameSiblings,
  syncSiblings,
  type Version,
} from '../versioning/siblings.ts';

/** What a replica needs of its node's storage engine. `LsmStore` provides it. */
export interface LocalStore {
  /** The stored bytes of `key`; the caller only reads them (`LsmStore.getShared`). */
  getShared(key: string): Uint8Array | undefined;
  /** Stores `value` itself: the caller never modifies it afterwards (`LsmStore.putOwned`). */
  putOwned(key: string, value: Uint8Array): void;
  /** The durability point: every put before it survives a crash once it returns. */
  sync(): void;
  /** Every stored key in order with its bytes, each read at once and not kept (`LsmStore.scanShared`). */
  scanShared(start?: string, end?: string): Iterable<[string, Uint8Array]>;
}

export interface ApplyResult {
  /** The key's versions after the write. */
  siblings: Version[];
  /** True when the stored set changed (something new was learnt). */
  changed: boolean;
  /** `siblings` encoded, as stored (the Merkle tree digests these bytes instead of re-encoding). */
  encoded: Uint8Array;
}

/** How many decoded sibling sets a replica keeps (a memo, not a cache of data: see `decoded`). */
const decodedSetsMax = 4_096;

export class ReplicaStore {
  /**
   * The last decoding of each recently read key, with the bytes it came from. A read still asks the
   * store and uses the memo only when the stored bytes are the same, so a write through any path
   * (or a wiped disk) can never be hidden by it; it saves decoding the same set again and again.
   */
  private readonly decoded = new Map<string, { bytes: Uint8Array; siblings: Version[] }>();
  /** Where encoded sets are made: the memtable holds them until its flush frees them together. */
  private readonly slab = new ByteSlab();

  constructor(
    private readonly local: LocalStore,
    private readonly mode: ConflictMode,
  ) {}

  /** The stored versions of `key` (none for a key never written). */
  read(key: string): Version[] | KvError {
    return this.decode(key, this.local.getShared(key));
  }

  /** `remember: false` for scans over every key: they use the memo but must not flush it. */
  private decode(key: string, bytes: Uint8Array | undefined, remember = true): Version[] | KvError {
    if (bytes === undefined) return [];
    const memo = this.decoded.get(key);
    if (memo !== undefined && (memo.bytes === bytes || sameBytes(memo.bytes, bytes))) {
      // Keep the current copy, so a flushed memtable's slab chunk is not pinned (scans keep none).
      if (remember) memo.bytes = bytes;
      return [...memo.siblings];
    }
    const siblings = decodeSiblings(bytes);
    if (!Array.isArray(siblings) || !remember) return siblings;
    if (this.decoded.size >= decodedSetsMax) this.decoded.clear();
    this.decoded.set(key, { bytes, siblings });
    return [...siblings];
  }

  /** Merges `incoming` into the stored versions of `key`; the caller syncs before acknowledging. */
  apply(key: string, incoming: readonly Version[]): ApplyResult | KvError {
    const stored = this.local.getShared(key);
    const existing = this.decode(key, stored);
    if (!Array.isArray(existing)) return existing;
    // A replica sent the set it already holds (replicas that agree): nothing to merge or store.
    if (stored !== undefined && this.mode !== 'lww' && sameSiblings(existing, incoming))
      return { siblings: existing, changed: false, encoded: stored };
    const siblings =
      this.mode === 'lww' ? syncLastWriteWins(existing, incoming) : syncSiblings(existing, incoming);
    // Encodings are canonical, so equal bytes mean an equal set: nothing new was learnt.
    const encoded = encodeSiblings(siblings, this.slab);
    if (sameBytes(stored, encoded)) return { siblings, changed: false, encoded };
    try {
      this.local.putOwned(key, encoded);
    } catch (error) {
      // The store refuses (a record over its limit, a full disk): an operating error, returned. A
      // damaged table found on the way (a flush's compaction) goes up to the driver (errors.ts).
      if (isKvError(error) && !isDiskFailure(error)) return error;
      throw error;
    }
    this.decoded.set(key, { bytes: encoded, siblings: [...siblings] });
    return { siblings, changed: true, encoded };
  }

  sync(): void {
    this.local.sync();
  }

  /** Every key with its versions, in key order (final-state reports, anti-entropy). */
  *entries(start?: string, end?: string): Iterable<[string, Version[] | KvError]> {
    // Through the memo: a final-contents pass over a store just written decodes little again.
    for (const [key, bytes] of this.local.scanShared(start, end)) yield [key, this.decode(key, bytes, false)];
  }
}
