/**
 * One commit-log record: one put or delete, checksummed on its own so recovery can tell a torn tail
 * from damage (leveldb's `log_format.md`, simplified to one record per write).
 *
 *   ┌──────────┬───────────┬──────────────────────────────────────────────────────────────┐
 *   │ crc32c u32│ length u32│ payload: kind u8 · seq varint · key chunk · value chunk     │
 *   │ (length + │           │          (a delete has its deletion time instead of a value) │
 *   │  payload) │           │                                                              │
 *   └──────────┴───────────┴──────────────────────────────────────────────────────────────┘
 */

import { ByteReader, type ByteWriter, readU32, writeU32 } from '../format/bytes.ts';
import { crc32c } from '../format/crc32c.ts';
import { type Entry, EntryKind, emptyValue } from '../format/entry.ts';
import { decodeKey } from '../format/keys.ts';

export const logHeaderBytes = 8;

/** Appends the record of `entry` (whose key is already encoded as `keyBytes`) to `out`. */
export function encodeLogRecord(out: ByteWriter, entry: Entry, keyBytes: Uint8Array): number {
  const start = out.length;
  out.reserve(logHeaderBytes + keyBytes.length + entry.value.length + 24);
  out.length += logHeaderBytes;
  out.u8(entry.kind);
  out.varint(entry.seq);
  out.chunk(keyBytes);
  if (entry.kind === EntryKind.Put) out.chunk(entry.value);
  else out.varint(entry.deletedAt);
  const payloadLength = out.length - start - logHeaderBytes;
  writeU32(out.bytes, start + 4, payloadLength);
  writeU32(out.bytes, start, crc32c(out.bytes, start + 4, out.length));
  return out.length - start;
}

export type LogRecordRead =
  | { status: 'ok'; entry: Entry; next: number }
  /** The record runs past the end of the file: a torn (partly written) tail. */
  | { status: 'incomplete' }
  /** The record is complete but its checksum or its contents are wrong. */
  | { status: 'bad'; next: number };

/** Reads the record at `at` of a log's bytes. */
export function readLogRecord(bytes: Uint8Array, at: number): LogRecordRead {
  if (at + logHeaderBytes > bytes.length) return { status: 'incomplete' };
  const length = readU32(bytes, at + 4);
  const next = at + logHeaderBytes + length;
  if (next > bytes.length) return { status: 'incomplete' };
  if (crc32c(bytes, at + 4, next) !== readU32(bytes, at)) return { status: 'bad', next };
  try {
    const reader = new ByteReader(bytes, at + logHeaderBytes, next);
    const kind = reader.u8();
    if (kind !== EntryKind.Put && kind !== EntryKind.Delete) return { status: 'bad', next };
    const seq = reader.varint();
    const keyBytes = reader.chunk().slice();
    const value = kind === EntryKind.Put ? reader.chunk().slice() : emptyValue;
    const deletedAt = kind === EntryKind.Delete ? reader.varint() : 0;
    return { status: 'ok', entry: { key: decodeKey(keyBytes), keyBytes, seq, kind, value, deletedAt }, next };
  } catch {
    return { status: 'bad', next };
  }
}
