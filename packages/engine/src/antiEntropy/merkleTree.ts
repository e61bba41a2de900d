/**
 * A Merkle tree over one key range (SPEC 1.6, Dynamo §4.7): the range is cut into 2^k equal
 * sub-arcs (the leaves, k = `leafDepth`, 1,024 leaves by default); a leaf's digest summarises the
 * (key, version digest) pairs of the keys on its sub-arc, and each parent is the digest of its two
 * children, up to the root. Two replicas whose roots are equal hold the same versions of every key
 * in the range (but for a 2^-64 accident); where they differ, the differing children show where.
 *
 *                         root = node 1                depth 0
 *                 node 2 ─────┴───── node 3            depth 1
 *               4 ──┴── 5        6 ──┴── 7             depth 2
 *              ……… leaves 2^k … 2^(k+1) − 1 ………        depth k    (heap numbering: children 2h, 2h+1)
 *            [below the leaves: the same split, computed on demand from a leaf's keys]
 *
 * **Incremental.** `update(key, digest)` changes one leaf and marks the k nodes on its path to the
 * root stale; a stale digest is recomputed from its children when it is next read (the root, a
 * level, a node an exchange asks for). So a write costs O(1) hashes and O(k) flag checks, and an
 * exchange rehashes only the paths written since the last one — at most once per node, however
 * many writes shared it. Nothing is ever rebuilt. Invariant: a stale node's ancestors are stale.
 * A replica's writes go through `updateLater(key, encoded)`, which only notes the key's newest
 * stored bytes; they are digested when the tree is next read (every public reader settles first),
 * so a key written many times between two exchanges is hashed once, and a tree nobody reads costs
 * a map entry per written key.
 *
 * **Order-independent leaves.** A leaf's digest is the *sum modulo 2^64* of its keys' entry digests
 * (entry digest = digest64 of the version digest followed by the key), so adding, changing or
 * removing a key is one addition or subtraction, whatever order the writes came in. Why it is safe
 * enough: entry digests are 64-bit MurmurHash3 values of distinct keys (a key appears at most once
 * per leaf), so two different leaf contents collide only if their entry digests happen to sum to the
 * same value — probability about 2^-64 per comparison for honest data, the same as a collision of a
 * sorted-list hash. A sum, unlike XOR, does not cancel an entry counted twice. It is not meant to
 * resist an adversary; a replica in the lab has none. An empty leaf sums to zero, and a parent of two
 * empty children is empty too, so an empty range has the all-zero root on every replica.
 *
 * **Below the leaves.** A key's place in the range is a fraction in [0, 1) (its ring position's
 * offset in the arc over the arc's length); at any depth d it lies in node 2^d + ⌊fraction × 2^d⌋.
 * Nodes deeper than the leaves are not stored: their digest (the same sum, over their keys) is
 * computed from the leaf's keys when an exchange asks for it. So an exchange can split a busy leaf
 * further and the bytes it sends grow with the number of differing keys, not with the keys per leaf.
 * Multiplying by a power of two is exact in floating point, so every replica (and every depth)
 * agrees on which node holds a key.
 */

import { assert } from '../assert.ts';
import { merkleDepthMax, merkleLeafDepthDefault } from '../constants.ts';
import { combineDigests, type Digest64, digest64, digest64LanesOfText } from '../hashing/digest.ts';
import { arcLength, keyPosition, ringSize } from '../ring/ring.ts';
import { encodeSiblings, type Version } from '../versioning/siblings.ts';
import { type KeyRange, rangeContains, wholeRing } from './ranges.ts';

/** A node of the tree in heap numbering: the root is 1, the children of h are 2h and 2h + 1. */
export type MerkleNode = number;

/** The digest of an empty subtree (no keys). */
export const emptyDigest: Digest64 = '0000000000000000';

/** A key and the digest of its versions: what a leaf summarises and what `merkle-keys` carries. */
export interface KeyDigest {
  key: string;
  digest: Digest64;
}

/** The digest of a key's sibling set (its canonical encoding), or null when it has no versions. */
export function versionDigest(siblings: readonly Version[]): Digest64 | null {
  return siblings.length === 0 ? null : digest64(encodeSiblings(siblings));
}

/** The depth of `node`: 0 for the root. */
export function depthOf(node: MerkleNode): number {
  if (!Number.isSafeInteger(node) || node < 1) assert(false, `not a Merkle node: ${node}`);
  let depth = 0;
  while (node >= 2 ** (depth + 1)) depth++;
  return depth;
}

/** The two children of `node`. */
export function childrenOf(node: MerkleNode): [MerkleNode, MerkleNode] {
  return [2 * node, 2 * node + 1];
}

interface Entry {
  readonly digest: Digest64;
  /** Where the key lies in the range, in [0, 1). */
  readonly fraction: number;
  /** The entry digest as two unsigned 32-bit lanes (high, low), for the leaf sums. */
  readonly high: number;
  readonly low: number;
}

export class MerkleTree {
  readonly range: KeyRange;
  readonly leafDepth: number;
  readonly leafCount: number;
  /**
   * Digest per stored node that has one, by heap number (absent: the empty digest). Maps, not arrays
   * of 2^(k+1) slots: a node's trees are built at boot, live as long as it does, and hold a few keys
   * per thousand leaves in the lab, so dense arrays were most of a run's long-lived heap, copied by
   * every young-generation collection they survived.
   */
  private readonly digests = new Map<MerkleNode, Digest64>();
  /** Keys per stored node, indexed by heap number (always current). */
  private readonly counts: Uint32Array;
  /** 1 where a stored node's digest is out of date (a write at or below it since it was computed). */
  private readonly stale: Uint8Array;
  /** Per leaf (index = node − leafCount): the 64-bit sum of its entry digests, as two lanes. */
  private readonly sumHigh: Uint32Array;
  private readonly sumLow: Uint32Array;
  /** Per leaf index that has held a key: its keys and their entries. */
  private readonly leaves = new Map<number, Map<string, Entry>>();
  /** Keys written since the tree was last read → their stored sibling-set bytes (null: none). */
  private readonly unsettled = new Map<string, Uint8Array | null>();

  constructor(range: KeyRange = wholeRing, leafDepth = merkleLeafDepthDefault) {
    assert(
      Number.isInteger(leafDepth) && leafDepth >= 0 && leafDepth <= 20,
      `Merkle leaf depth must be an integer from 0 to 20; got ${leafDepth}`,
    );
    this.range = Object.freeze({ start: range.start, end: range.end });
    this.leafDepth = leafDepth;
    this.leafCount = 2 ** leafDepth;
    this.counts = new Uint32Array(2 * this.leafCount);
    this.stale = new Uint8Array(2 * this.leafCount);
    this.sumHigh = new Uint32Array(this.leafCount);
    this.sumLow = new Uint32Array(this.leafCount);
  }

  /** A tree of `entries` built in one pass: the leaves first, then every parent once. */
  static build(
    range: KeyRange,
    entries: Iterable<readonly [string, Digest64]>,
    leafDepth = merkleLeafDepthDefault,
  ): MerkleTree {
    const tree = new MerkleTree(range, leafDepth);
    let empty = true;
    for (const [key, digest] of entries) {
      tree.setEntry(key, digest);
      empty = false;
    }
    if (empty) return tree; // a new replica's ranges: every node already empty and settled
    for (const leaf of tree.leaves.keys()) tree.refreshLeaf(tree.leafCount + leaf);
    // Empty subtrees keep the empty digest; the others are computed when first read.
    for (let node = tree.leafCount - 1; node >= 1; node--) {
      tree.counts[node] = (tree.counts[2 * node] as number) + (tree.counts[2 * node + 1] as number);
      tree.stale[node] = tree.counts[node] === 0 ? 0 : 1;
    }
    return tree;
  }

  /** Keys in the range with at least one version. */
  get size(): number {
    // Exact without digesting anything: the settled count, corrected by the writes noted since.
    let size = this.counts[1] as number;
    for (const [key, encoded] of this.unsettled) {
      const held = this.leaves.get(this.leafOf(this.fractionOf(key)))?.has(key) === true;
      size += (encoded === null ? 0 : 1) - (held ? 1 : 0);
    }
    return size;
  }

  /** The root digest, or null while writes noted by `updateLater` wait to be digested. */
  settledRoot(): Digest64 | null {
    return this.unsettled.size === 0 ? this.root() : null;
  }

  root(): Digest64 {
    return this.digest(1);
  }

  /** Whether `key` falls in this tree's range. */
  covers(key: string): boolean {
    return rangeContains(this.range, keyPosition(key));
  }

  /**
   * Records that `key` now has versions of digest `digest` (null: none). Changes its leaf and the
   * path to the root; returns false when nothing changed.
   */
  update(key: string, digest: Digest64 | null): boolean {
    this.settle();
    return this.apply(key, digest);
  }

  /**
   * Records that `key`'s stored sibling set is now `encoded` (null: no versions), to be digested
   * when the tree is next read. `encoded` must not change afterwards (stored bytes never do).
   */
  updateLater(key: string, encoded: Uint8Array | null): void {
    this.unsettled.set(key, encoded);
  }

  /** Folds the writes noted by `updateLater` into the tree: each key's newest bytes, digested once. */
  private settle(): void {
    if (this.unsettled.size === 0) return;
    for (const [key, encoded] of this.unsettled) this.apply(key, encoded === null ? null : digest64(encoded));
    this.unsettled.clear();
  }

  private apply(key: string, digest: Digest64 | null): boolean {
    const node = this.setEntry(key, digest);
    if (node === null) return false;
    const before = this.counts[node] as number;
    this.counts[node] = this.leaves.get(node - this.leafCount)?.size ?? 0;
    this.stale[node] = 1; // the leaf's digest text is made when it is read
    const delta = (this.counts[node] as number) - before;
    for (let h = Math.floor(node / 2); h >= 1; h = Math.floor(h / 2)) {
      this.counts[h] = (this.counts[h] as number) + delta;
      this.stale[h] = 1;
    }
    return true;
  }

  /** The version digest this tree holds for `key`, or undefined. */
  digestOf(key: string): Digest64 | undefined {
    this.settle();
    return this.leaves.get(this.leafOf(this.fractionOf(key)))?.get(key)?.digest;
  }

  /** The digests of the stored level `depth` (0 … leafDepth), left to right: the lab draws these. */
  level(depth: number): Digest64[] {
    assert(depth >= 0 && depth <= this.leafDepth, `level ${depth} is not stored`);
    const nodes = Array.from({ length: 2 ** depth }, (_, i) => 2 ** depth + i);
    return nodes.map((node) => this.digest(node));
  }

  /** The digest of any node: stored down to the leaves, computed from a leaf's keys below them. */
  digest(node: MerkleNode): Digest64 {
    this.settle();
    const depth = depthOf(node);
    if (depth <= this.leafDepth) {
      if (this.stale[node]) {
        if (node >= this.leafCount) this.refreshLeaf(node);
        else this.recompute(node);
      }
      return this.digests.get(node) ?? emptyDigest;
    }
    let high = 0;
    let low = 0;
    for (const entry of this.entriesBelow(node, depth)) {
      const sum = low + entry.low;
      low = sum >>> 0;
      high = (high + entry.high + (sum > 0xffffffff ? 1 : 0)) >>> 0;
    }
    return lanesToDigest(high, low);
  }

  /** How many keys lie under `node`. */
  keyCount(node: MerkleNode): number {
    this.settle();
    const depth = depthOf(node);
    if (depth <= this.leafDepth) return this.counts[node] as number;
    let count = 0;
    for (const _ of this.entriesBelow(node, depth)) count++;
    return count;
  }

  /** The keys under `node` with their version digests, sorted by key. */
  keysIn(node: MerkleNode): KeyDigest[] {
    this.settle();
    const depth = depthOf(node);
    if (depth > merkleDepthMax) assert(false, `node ${node} is deeper than ${merkleDepthMax}`);
    const out: KeyDigest[] = [];
    if (depth > this.leafDepth) {
      for (const [key, entry] of this.entriesWithKeysBelow(node, depth))
        out.push({ key, digest: entry.digest });
    } else {
      const span = 2 ** (this.leafDepth - depth);
      const first = node * span - this.leafCount;
      for (let leaf = first; leaf < first + span; leaf++) {
        for (const [key, entry] of this.leaves.get(leaf) ?? []) out.push({ key, digest: entry.digest });
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Every key and version digest in the range (any order): the peer's "full digest exchange". */
  *entries(): Iterable<KeyDigest> {
    this.settle();
    for (let leaf = 0; leaf < this.leafCount; leaf++)
      for (const [key, entry] of this.leaves.get(leaf) ?? []) yield { key, digest: entry.digest };
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  private fractionOf(key: string): number {
    const position = keyPosition(key);
    if (!rangeContains(this.range, position))
      assert(false, `key ${JSON.stringify(key)} is outside the tree's range`);
    const offset = (position - this.range.start - 1 + ringSize) % ringSize; // (start, end] → [0, length)
    return Math.min(offset / arcLength(this.range.start, this.range.end), 1 - 2 ** -53);
  }

  private leafOf(fraction: number): number {
    return Math.floor(fraction * this.leafCount);
  }

  /** Sets a key's entry in its leaf and the leaf's sum; returns the leaf's node, or null if unchanged. */
  private setEntry(key: string, digest: Digest64 | null): MerkleNode | null {
    const fraction = this.fractionOf(key);
    const leaf = this.leafOf(fraction);
    let entries = this.leaves.get(leaf);
    if (entries === undefined) {
      if (digest === null) return null;
      entries = new Map<string, Entry>();
      this.leaves.set(leaf, entries);
    }
    const old = entries.get(key);
    if (old?.digest === digest || (old === undefined && digest === null)) return null;
    if (old) {
      this.addToLeaf(leaf, old, -1);
      entries.delete(key);
    }
    if (digest !== null) {
      // The version digest is fixed-length, so `digest + key` is unambiguous.
      const { high, low } = digest64LanesOfText(digest + key);
      const entry: Entry = { digest, fraction, high, low };
      entries.set(key, entry);
      this.addToLeaf(leaf, entry, 1);
    }
    return this.leafCount + leaf;
  }

  /** Adds (sign 1) or subtracts (sign −1) an entry's digest to its leaf's sum, modulo 2^64. */
  private addToLeaf(leaf: number, entry: Entry, sign: 1 | -1): void {
    const low = this.sumLow[leaf] as number;
    const high = this.sumHigh[leaf] as number;
    if (sign === 1) {
      const sum = low + entry.low;
      this.sumLow[leaf] = sum >>> 0;
      this.sumHigh[leaf] = (high + entry.high + (sum > 0xffffffff ? 1 : 0)) >>> 0;
    } else {
      const difference = low - entry.low;
      this.sumLow[leaf] = difference >>> 0;
      this.sumHigh[leaf] = (high - entry.high - (difference < 0 ? 1 : 0)) >>> 0;
    }
  }

  /** Sets a leaf's digest and key count from its sum and its map. */
  private refreshLeaf(node: MerkleNode): void {
    const leaf = node - this.leafCount;
    this.counts[node] = this.leaves.get(leaf)?.size ?? 0;
    this.digests.set(node, lanesToDigest(this.sumHigh[leaf] as number, this.sumLow[leaf] as number));
    this.stale[node] = 0;
  }

  /** Recomputes a stale internal node from its children (recomputing stale children first). */
  private recompute(node: MerkleNode): void {
    const left = this.digest(2 * node);
    const right = this.digest(2 * node + 1);
    const both = left === emptyDigest && right === emptyDigest ? emptyDigest : combineDigests([left, right]);
    this.digests.set(node, both);
    this.stale[node] = 0;
  }

  /** The entries of a node below the leaves (depth > leafDepth), with their keys. */
  private *entriesWithKeysBelow(node: MerkleNode, depth: number): Iterable<[string, Entry]> {
    if (depth > merkleDepthMax) assert(false, `node ${node} is deeper than ${merkleDepthMax}`);
    const scale = 2 ** depth;
    const index = node - scale;
    const leaf = Math.floor(index / 2 ** (depth - this.leafDepth));
    for (const item of this.leaves.get(leaf) ?? []) {
      if (Math.floor(item[1].fraction * scale) === index) yield item;
    }
  }

  private *entriesBelow(node: MerkleNode, depth: number): Iterable<Entry> {
    for (const [, entry] of this.entriesWithKeysBelow(node, depth)) yield entry;
  }
}

function lanesToDigest(high: number, low: number): Digest64 {
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}
