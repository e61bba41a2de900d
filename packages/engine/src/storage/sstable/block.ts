/**
 * Blocks: the unit of reading, checksumming, compressing and caching (leveldb's `table_format.md`).
 *
 * Stored block:   [payload][compression u8][crc32c u32 of payload + compression byte]
 *                 a deflated payload starts with its inflated length (u32)
 * Data block:     [entry]… [entry offset u32]… [entry count u32]
 * Entry:          key chunk · kind u8 · seq varint · (value chunk | deletedAt varint)
 *
 * Keys are whole (no prefix compression) so any entry can be found by binary search over the
 * offset array without decoding its neighbours. Verification happens in `openStoredBlock`, before a
 * single byte of the payload is interpreted.
 */

import { deflateSync, inflateSync } from 'fflate';
import { kvError } from '../../errors.ts';
import { ByteReader, ByteWriter, readU32, writeU32 } from '../format/bytes.ts';
import { crc32c } from '../format/crc32c.ts';
import { type Entry, EntryKind, emptyValue, type StoredEntry } from '../format/entry.ts';
import { compareKeyAt, decodeKey } from '../format/keys.ts';

export const blockTrailerBytes = 5;
export const Compression = { None: 0, Deflate: 1 } as const;
/**
 * A block is stored deflated only when that saves a quarter of it: below that, inflating on every
 * cache miss costs more read time than the bytes saved are worth.
 */
const compressedShareMax = 0.75;

export class DataBlockBuilder {
  private readonly writer = new ByteWriter(8 * 1024);
  private offsets: number[] = [];

  get entryCount(): number {
    return this.offsets.length;
  }

  get estimatedBytes(): number {
    return this.writer.length + 4 * this.offsets.length + 4;
  }

  add(entry: StoredEntry): void {
    const w = this.writer;
    this.offsets.push(w.length);
    w.chunk(entry.keyBytes);
    w.u8(entry.kind);
    w.varint(entry.seq);
    if (entry.kind === EntryKind.Put) w.chunk(entry.value);
    else w.varint(entry.deletedAt);
  }

  /** The block's payload, a view valid until the next `add`; the builder is empty afterwards. */
  finish(): Uint8Array {
    for (const offset of this.offsets) this.writer.u32(offset);
    this.writer.u32(this.offsets.length);
    const payload = this.writer.view();
    this.writer.reset();
    this.offsets = [];
    return payload;
  }
}

/** Appends `payload` to `out` as a stored block (maybe deflated); returns the stored length. */
export function writeStoredBlock(out: ByteWriter, payload: Uint8Array, compress: boolean): number {
  const start = out.length;
  let type: number = Compression.None;
  if (compress) {
    const deflated = deflateSync(payload, { level: 1 });
    if (deflated.length + 4 <= payload.length * compressedShareMax) {
      out.u32(payload.length);
      out.raw(deflated);
      type = Compression.Deflate;
    }
  }
  if (type === Compression.None) out.raw(payload);
  out.u8(type);
  out.reserve(4);
  writeU32(out.bytes, out.length, crc32c(out.bytes, start, out.length));
  out.length += 4;
  return out.length - start;
}

/** Verifies a stored block and returns its payload; `where` names file and offset for the error. */
export function openStoredBlock(stored: Uint8Array, where: string): Uint8Array {
  const end = stored.length - 4;
  if (end < 1 || crc32c(stored, 0, end) !== readU32(stored, end)) {
    throw kvError('KV_CORRUPTION', `${where} fails its checksum`);
  }
  const type = stored[end - 1];
  if (type === Compression.None) return stored.subarray(0, end - 1);
  if (type !== Compression.Deflate)
    throw kvError('KV_CORRUPTION', `${where} has unknown compression ${type}`);
  const rawLength = readU32(stored, 0);
  try {
    return inflateSync(stored.subarray(4, end - 1), { out: new Uint8Array(rawLength) });
  } catch (error) {
    throw kvError('KV_CORRUPTION', `${where} does not inflate`, error);
  }
}

export function blockEntryCount(block: Uint8Array): number {
  return readU32(block, block.length - 4);
}

function entryOffset(block: Uint8Array, count: number, index: number): number {
  return readU32(block, block.length - 4 - 4 * count + 4 * index);
}

/** Compares `key` with the key of the entry at `at` (a length varint, then the bytes). */
function compareWithEntryKey(key: Uint8Array, block: Uint8Array, at: number): number {
  let length = 0;
  let shift = 1;
  let i = at;
  for (;;) {
    const b = block[i++] as number;
    length += (b & 0x7f) * shift;
    if (b < 0x80) break;
    shift *= 0x80;
  }
  return compareKeyAt(key, block, i, length);
}

/** Index of the first entry whose key is ≥ `key` (`count` when none is). Allocates nothing. */
export function seekInBlock(block: Uint8Array, key: Uint8Array): number {
  const count = blockEntryCount(block);
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareWithEntryKey(key, block, entryOffset(block, count, mid)) > 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The entry at `index` if its key equals `key`, else undefined. */
export function findInBlock(block: Uint8Array, key: Uint8Array, keyString: string): Entry | undefined {
  const index = seekInBlock(block, key);
  const count = blockEntryCount(block);
  if (index >= count) return undefined;
  const reader = new ByteReader(block, entryOffset(block, count, index));
  const length = reader.varint();
  if (compareKeyAt(key, block, reader.at, length) !== 0) return undefined;
  reader.at += length;
  const entry = readEntryRest(reader, key) as Entry;
  entry.key = keyString;
  return entry;
}

function readEntryRest(reader: ByteReader, keyBytes: Uint8Array): StoredEntry {
  const kind = reader.u8() as EntryKind;
  const seq = reader.varint();
  if (kind === EntryKind.Put) return { keyBytes, seq, kind, value: reader.chunk(), deletedAt: 0 };
  return { keyBytes, seq, kind, value: emptyValue, deletedAt: reader.varint() };
}

/** Entries from `index` to the end of the block, in order; keys and values are views into the block. */
export function* blockStoredEntries(block: Uint8Array, index = 0): Generator<StoredEntry> {
  const count = blockEntryCount(block);
  for (let i = index; i < count; i++) {
    const reader = new ByteReader(block, entryOffset(block, count, i));
    yield readEntryRest(reader, reader.chunk());
  }
}

/** As `blockStoredEntries`, with each key also decoded to a string. */
export function* blockEntries(block: Uint8Array, index = 0): Generator<Entry> {
  for (const stored of blockStoredEntries(block, index)) {
    const entry = stored as Entry;
    entry.key = decodeKey(stored.keyBytes);
    yield entry;
  }
}
