/**
 * The anti-entropy protocol's messages (SPEC 1.6, Dynamo §4.7). Two replicas of a range take turns:
 * each message answers the previous one and carries one level of the comparison, so the exchange
 * needs about one message per level instead of a request and a reply per level.
 *
 *   I ── merkle-root {root_I} ─────────────▶ R   roots equal → R ── merkle-root {reply, root_R} ──▶ I  (done)
 *   I ◀── merkle-level {parents, digests} ── R   R's digests of the children of the nodes that differ
 *   I ── merkle-level {parents, digests} ──▶ R   I's digests one level down, under the children that differ
 *     …   until the nodes that differ hold few keys   …
 *   X ── merkle-keys {nodes, entries} ─────▶ Y   X's (key, version digest) pairs under those nodes
 *   X ◀── merkle-versions {versions, want} ─ Y   Y's versions of the keys that differ, and the keys it wants
 *   X ── merkle-versions {versions, want:[]}▶ Y   X's versions of the wanted keys: the end
 *
 * An exchange ends with a `merkle-root` reply or a `merkle-versions` whose `want` is empty. Node
 * numbers are heap numbers (root 1, children 2h, 2h + 1; see merkleTree.ts). `exchange` is
 * `<initiator>#<sequence>`, so either side can tell whose exchange a message belongs to. Versions
 * travel as their canonical encoding (`encodeSiblings`), so their size is their wire size.
 */

import { merkleDepthMax } from '../constants.ts';
import type { Digest64 } from '../hashing/digest.ts';
import { utf8Length } from '../hashing/utf8.ts';
import type { KeyRange } from './ranges.ts';

export interface MerkleRoot {
  type: 'merkle-root';
  exchange: string;
  range: KeyRange;
  /** The sender's tree shape: both sides must use the same to compare nodes. */
  leafDepth: number;
  /** The sender's root; null in a reply: "I do not replicate this range (with this shape)". */
  root: Digest64 | null;
  /** False when it opens the exchange, true for the responder's answer to equal roots. */
  reply: boolean;
}

export interface MerkleLevel {
  type: 'merkle-level';
  exchange: string;
  range: KeyRange;
  /** The nodes that differ, all at one depth. */
  parents: number[];
  /** The sender's digests of their children: `digests[2i]`, `digests[2i+1]` for `parents[i]`. */
  digests: Digest64[];
  /** The sender left differing nodes out (too many for one message): a later exchange finds them. */
  more?: boolean;
}

export interface MerkleKeys {
  type: 'merkle-keys';
  exchange: string;
  range: KeyRange;
  /** The nodes that differ. */
  nodes: number[];
  /** The sender's keys under them with their version digests. */
  entries: { key: string; digest: Digest64 }[];
  more?: boolean;
}

export interface MerkleVersions {
  type: 'merkle-versions';
  exchange: string;
  range: KeyRange;
  /** The sender's versions of keys that differ: `encodeSiblings` bytes. */
  versions: { key: string; siblings: Uint8Array }[];
  /** Keys whose versions the sender wants back; empty ends the exchange. */
  want: string[];
  more?: boolean;
}

export type AntiEntropyMessage = MerkleRoot | MerkleLevel | MerkleKeys | MerkleVersions;

const antiEntropyTypes: ReadonlySet<string> = new Set<AntiEntropyMessage['type']>([
  'merkle-root',
  'merkle-level',
  'merkle-keys',
  'merkle-versions',
]);

/** Whether a (validated) message body belongs to anti-entropy: how a node routes it to `AntiEntropy`. */
export function isAntiEntropyMessage<M extends { type: string }>(
  body: M,
): body is Extract<M, { type: AntiEntropyMessage['type'] }> {
  return antiEntropyTypes.has(body.type);
}

// ── the size on the wire ───────────────────────────────────────────────────────────────────────────

const varintBytes = (n: number): number => {
  let bytes = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) bytes++;
  return bytes;
};
const textBytes = (s: string): number => {
  const n = utf8Length(s);
  return varintBytes(n) + n;
};
/** A digest is 64 bits: 8 bytes on the wire (its hex form is for people). */
const digestBytes = 8;
const rangeBytes = 8;

/**
 * The encoded size of a message in a compact binary layout: a type byte, the exchange id, the
 * range (two 32-bit positions), then varint counts and node numbers, 8-byte digests, length-prefixed
 * UTF-8 keys and version bytes, and a flags byte. The benchmark and the `antientropy.done` event
 * count traffic with it, and the "full digest exchange" it is compared with is counted the same way.
 */
export function payloadBytes(body: AntiEntropyMessage): number {
  const common = 1 + textBytes(body.exchange) + rangeBytes + 1;
  switch (body.type) {
    case 'merkle-root':
      return common + 1 + (body.root === null ? 0 : digestBytes);
    case 'merkle-level': {
      let size = common + varintBytes(body.parents.length) + body.digests.length * digestBytes;
      for (const node of body.parents) size += varintBytes(node);
      return size;
    }
    case 'merkle-keys': {
      let size = common + varintBytes(body.nodes.length) + varintBytes(body.entries.length);
      for (const node of body.nodes) size += varintBytes(node);
      for (const entry of body.entries) size += textBytes(entry.key) + digestBytes;
      return size;
    }
    case 'merkle-versions': {
      let size = common + varintBytes(body.versions.length) + varintBytes(body.want.length);
      for (const v of body.versions)
        size += textBytes(v.key) + varintBytes(v.siblings.length) + v.siblings.length;
      for (const key of body.want) size += textBytes(key);
      return size;
    }
  }
}

// ── validation at trust boundaries ─────────────────────────────────────────────────────────────────

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosition = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isRange = (v: unknown) => isObject(v) && isPosition(v.start) && isPosition(v.end);
const isDigest = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{16}$/.test(v);
const isKey = (v: unknown) => typeof v === 'string' && v.length > 0;
const isExchange = (v: unknown) => typeof v === 'string' && /^.+#\d+$/.test(v);
/** A node the receiver may be asked about: at most `merkleDepthMax` deep. */
const isNode = (v: unknown) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v < 2 ** (merkleDepthMax + 1);
/** A node whose children the receiver may be asked for. */
const isParent = (v: unknown) => isNode(v) && (v as number) < 2 ** merkleDepthMax;
const isMore = (v: unknown) => v === undefined || typeof v === 'boolean';
const check = (ok: boolean, problem: string) => (ok ? null : problem);
const head = (b: Body) => isExchange(b.exchange) && isRange(b.range) && isMore(b.more);

export const antiEntropyValidators = {
  'merkle-root': (b: Body) =>
    check(
      head(b) &&
        typeof b.leafDepth === 'number' &&
        Number.isInteger(b.leafDepth) &&
        b.leafDepth >= 0 &&
        (b.root === null || isDigest(b.root)) &&
        typeof b.reply === 'boolean',
      'merkle-root needs exchange, range, leafDepth, root and reply',
    ),
  'merkle-level': (b: Body) =>
    check(
      head(b) &&
        Array.isArray(b.parents) &&
        b.parents.every(isParent) &&
        Array.isArray(b.digests) &&
        b.digests.length === 2 * b.parents.length &&
        b.digests.every(isDigest),
      'merkle-level needs exchange, range, parents and two digests per parent',
    ),
  'merkle-keys': (b: Body) =>
    check(
      head(b) &&
        Array.isArray(b.nodes) &&
        b.nodes.every(isNode) &&
        Array.isArray(b.entries) &&
        b.entries.every((e) => isObject(e) && isKey(e.key) && isDigest(e.digest)),
      'merkle-keys needs exchange, range, nodes and (key, digest) entries',
    ),
  'merkle-versions': (b: Body) =>
    check(
      head(b) &&
        Array.isArray(b.versions) &&
        b.versions.every((v) => isObject(v) && isKey(v.key) && v.siblings instanceof Uint8Array) &&
        Array.isArray(b.want) &&
        b.want.every(isKey),
      'merkle-versions needs exchange, range, versions (key, bytes) and want',
    ),
} satisfies Record<AntiEntropyMessage['type'], (b: Body) => string | null>;
