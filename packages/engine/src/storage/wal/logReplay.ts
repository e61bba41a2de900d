/**
 * Recovery of one commit log: read every record in order, stop at the first one that is incomplete
 * or fails its checksum, and truncate the file there — a torn tail is what a crash during an
 * unsynced write leaves (SPEC 1.8: "truncates a torn tail"). A record that fails its checksum but
 * is followed by more non-zero bytes is damage, not a tear: that is `KV_CORRUPTION`, naming the file
 * and offset, because silently dropping the records after it would lose acknowledged writes. So is
 * a record whose length runs past the end but whose checksum matches once one bit of its length is
 * flipped back: rot in the length field, which read as a tear would drop every record after it.
 * The replayed log is flushed: what a reopened store shows must survive the next power loss.
 */

import { kvError } from '../../errors.ts';
import type { FileSystem } from '../files/fileSystem.ts';
import { readU32, writeU32 } from '../format/bytes.ts';
import { crc32c } from '../format/crc32c.ts';
import type { Entry } from '../format/entry.ts';
import { logHeaderBytes, readLogRecord } from './logRecord.ts';

export interface LogReplay {
  records: number;
  truncatedBytes: number;
  maxSeq: number;
}

function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** True when the record at `at` is whole and checks out with one bit of its length flipped back. */
function lengthRotted(bytes: Uint8Array, at: number): boolean {
  if (at + logHeaderBytes > bytes.length) return false;
  const length = readU32(bytes, at + 4);
  const stored = readU32(bytes, at);
  for (let bit = 0; bit < 32; bit++) {
    const candidate = (length ^ (1 << bit)) >>> 0;
    const end = at + logHeaderBytes + candidate;
    if (end > bytes.length) continue;
    // The checksum covers the length field: check the record with the length it had.
    const record = bytes.slice(at + 4, end);
    writeU32(record, 0, candidate);
    if (crc32c(record) === stored) return true;
  }
  return false;
}

export function replayLog(fs: FileSystem, name: string, apply: (entry: Entry) => void): LogReplay {
  const handle = fs.open(name);
  try {
    const bytes = handle.read(0, handle.size());
    let at = 0;
    let records = 0;
    let maxSeq = 0;
    while (at < bytes.length) {
      const read = readLogRecord(bytes, at);
      if (read.status === 'incomplete') {
        if (lengthRotted(bytes, at)) {
          throw kvError(
            'KV_CORRUPTION',
            `log ${name} in ${fs.label}: the record at offset ${at} has a damaged length (one bit flipped)`,
          );
        }
        break;
      }
      if (read.status === 'bad') {
        if (!allZero(bytes, read.next)) {
          throw kvError(
            'KV_CORRUPTION',
            `log ${name} in ${fs.label}: the record at offset ${at} fails its checksum`,
          );
        }
        break;
      }
      apply(read.entry);
      records++;
      maxSeq = Math.max(maxSeq, read.entry.seq);
      at = read.next;
    }
    const truncatedBytes = bytes.length - at;
    if (truncatedBytes > 0) handle.truncate(at);
    // After a process crash the OS may still hold records that were never synced. Once replayed they
    // are visible, so they must become durable now, or a later power loss would take them back.
    handle.flush();
    return { records, truncatedBytes, maxSeq };
  } finally {
    handle.close();
  }
}
