/**
 * The commit log (write-ahead log) of the active memtable. Appends are encoded into a memory buffer
 * and written to the file when the buffer fills; `sync()` writes what is buffered and flushes the
 * file: one durability point for every append before it (group commit). A put is acknowledged by
 * the node only after a `sync()` that followed it returned.
 *
 * Invariant: the file holds a prefix of the records appended, in order; bytes past `syncedBytes`
 * may be lost or torn by a power loss, which recovery (logReplay.ts) detects and truncates.
 */

import { logBufferBytesMax } from '../../constants.ts';
import type { FileHandle, FileSystem } from '../files/fileSystem.ts';
import { ByteWriter } from '../format/bytes.ts';
import type { Entry } from '../format/entry.ts';
import { encodeLogRecord } from './logRecord.ts';

export function logFileName(number: number): string {
  return `${String(number).padStart(6, '0')}.log`;
}

export interface LogWriteReport {
  records: number;
  bytes: number;
}

export class CommitLog {
  readonly name: string;
  private readonly handle: FileHandle;
  private readonly buffer = new ByteWriter(16 * 1024);
  private bufferedRecords = 0;
  /** Bytes in the file (written, maybe not yet flushed). */
  private writtenBytes: number;
  syncedBytes: number;
  /** Records and bytes written or synced since the owner last collected them (for events). */
  unsyncedRecords = 0;
  bytesWrittenTotal = 0;

  constructor(
    fs: FileSystem,
    readonly number: number,
    private readonly bufferBytesMax = logBufferBytesMax,
  ) {
    this.name = logFileName(number);
    this.handle = fs.open(this.name, { create: true });
    this.writtenBytes = this.handle.size();
    this.syncedBytes = this.writtenBytes;
  }

  /** Bytes of the log including the buffered ones. */
  get bytes(): number {
    return this.writtenBytes + this.buffer.length;
  }

  /** Writes out the buffer first when `entry` would overflow it, so a failure leaves nothing half-done. */
  append(entry: Entry, keyBytes: Uint8Array): LogWriteReport | null {
    let report: LogWriteReport | null = null;
    if (
      this.buffer.length > 0 &&
      this.buffer.length + keyBytes.length + entry.value.length > this.bufferBytesMax
    ) {
      report = this.writeOut();
    }
    encodeLogRecord(this.buffer, entry, keyBytes);
    this.bufferedRecords++;
    this.unsyncedRecords++;
    return report;
  }

  /** Writes the buffered records to the file (not yet durable). */
  writeOut(): LogWriteReport | null {
    if (this.buffer.length === 0) return null;
    const report = { records: this.bufferedRecords, bytes: this.buffer.length };
    this.handle.append(this.buffer.view());
    this.writtenBytes += this.buffer.length;
    this.bytesWrittenTotal += this.buffer.length;
    this.buffer.reset();
    this.bufferedRecords = 0;
    return report;
  }

  /** The durability point: every record appended before is durable when this returns. */
  sync(): LogWriteReport {
    this.writeOut();
    const report = { records: this.unsyncedRecords, bytes: this.writtenBytes - this.syncedBytes };
    if (report.records === 0 && report.bytes === 0) return report;
    this.handle.flush();
    this.syncedBytes = this.writtenBytes;
    this.unsyncedRecords = 0;
    return report;
  }

  close(): void {
    this.handle.close();
  }
}
