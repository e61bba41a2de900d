/**
 * Recovery of one commit log: read every record in order, stop at the first one that is incomplete
 * or fails its checksum, and truncate the file there — a torn tail is what a crash during an
 * unsynced write leaves (SPEC 1.8: "truncates a torn tail"). A record that fails its checksum but
 * is followed by more non-zero bytes is damage, not a tear: that is `KV_CORRUPTION`, naming the file
 * and offset, because silently dropping the records after it would lose acknowledged writes.
 * The replayed log is flushed: what a reopened store shows must survive the next power loss.
 */

import { kvError } from '../../errors.ts';
import type { FileSystem } from '../files/fileSystem.ts';
import type { Entry } from '../format/entry.ts';
import { readLogRecord } from './logRecord.ts';

export interface LogReplay {
  records: number;
  truncatedBytes: number;
  maxSeq: number;
}

function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
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
      if (read.status === 'incomplete') break;
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
