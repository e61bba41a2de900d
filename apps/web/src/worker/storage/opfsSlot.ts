/**
 * One physical OPFS file (`slot-<n>`) behind its sync access handle, as opfsFileSystem.ts uses it.
 *
 * Why a class of its own: every call on a sync access handle costs a fixed ~10–20 µs in Chromium
 * (measured: a 124-byte write ≈ 20 µs, a 12 KiB write ≈ the same), while the engine appends one
 * small record at a time — a commit-log record per put, a block at a time for a table. So appends
 * at the end of the file are **coalesced** in memory and written with one call when anything needs
 * the file itself: `flush` (the durability point), a read reaching the pending bytes, a write
 * elsewhere, a truncate, or `pendingBytesMax` pending. Group commit (100 puts, one flush) thus
 * costs one write and one flush. Pending bytes are lost in a crash, as unflushed bytes may be.
 *
 * A flush with nothing written since the last one is skipped. The node syncs its commit log and its
 * hint log together, and the hint log is almost always clean; its flush still reached the disk and
 * cost about half as much as the log's (the lab benchmark's quorum put p50 fell from 2.33 to 1.71 ms
 * without it), so every durable put paid two flushes per node. A slot starts dirty, so bytes a killed
 * predecessor wrote but never flushed are made durable by the first flush.
 *
 * What the calls cost (strace of Chromium 156 on Linux): `flush` is one `fdatasync` on the worker's
 * own thread, with no IPC, and costs what a raw `fdatasync` costs at the same spacing; `write` is
 * `newfstatat`, `fcntl(F_GETFL)`, `pwrite64` and a 112-byte `sendto` to the browser process, all on
 * the worker's own thread (traced again in the lab's renderer, 2026-11-28). In Chromium's source the
 * `sendto` is the one-way `OnContentsModified` notice its regular file delegate sends after every
 * write (the browser tells its file-change observers); the write waits for the browser only when
 * the file outgrows the capacity granted so far, asked for in powers of two from 1 MiB (then in
 * 128 MiB steps): rarely, for files of the lab's sizes. A flush after an idle
 * moment costs far more than one back to back (0.1–1 ms against 0.05 ms here, in Chromium and in
 * Node alike), which is the machine's, not the browser's (bench/opfsFlush.experiment.ts measures
 * both side by side).
 *
 * Preallocating a log (zeros ahead of the end) so that a flush does not grow the file was measured
 * twice and not kept: overwriting a zero-filled, flushed region is no faster to flush than appending,
 * and slower with 3–5 writers or after a pause (Chromium 156 on ext4; opfsFlush.experiment.ts).
 *
 * Open question: one put at a time, a lab node's `write` takes ~0.12–0.18 ms where the bare
 * prototype's (bench/barePrototype.ts, the same API calls) takes ~0.05 ms in the same page. Ruled
 * out on 2026-11-28, with 3 writers pausing 1 ms as in opfsFlush.experiment.ts (each ~0.04–0.05 ms):
 * writing a view into a 1 MiB buffer (as `drain` does), 40 more sync handles open in the worker, a
 * 4 MiB file. Nor is it the lab page drawing its default workload: the prototype's write took
 * 0.038 ms beside the lab idle and 0.050 ms beside it busy.
 * Measured on 2026-11-29 (300 puts one at a time, each way twice, same page): with N=1 (one writer
 * per put) the lab's write took 0.11–0.13 ms and its flush 0.29 ms; with N=3, 0.26–0.38 and
 * 0.52–0.60 ms. So about half of the gap comes with the other replicas' work. The flushes: the
 * prototype's three flush almost together (0.26–0.28 ms each); making its replicas spin 0.2, 0.4
 * or 0.8 ms before they append, as a hop and a step delay the lab's, took each flush to 0.30–0.40,
 * 0.42–0.47 and 0.51–0.57 ms. A flush that does not coincide with the others' costs about twice as
 * much here, and a lab replica's flush always comes a hop after its coordinator's.
 *
 * Invariant: `size === physicalSize + pending.length`, and pending bytes belong right after
 * `physicalSize`. The cached sizes are exact because this is the only handle on the file.
 */

import { ByteBuffer } from '@kvscope/engine';
import { hostTimeline } from '../hostTimeline.ts';

/** Appends held before they are written anyway: bounds memory and the bytes one call writes. */
const pendingBytesMax = 1 << 20;

/** Flushes of a folder's slots, for the node inspector and the lab benchmark's breakdown. */
export interface FlushStats {
  /** Flushes that reached OPFS, and the milliseconds they took. */
  flushes: number;
  flushMs: number;
  /** Flushes skipped because nothing was written since the last one. */
  cleanFlushes: number;
  /** Writes that reached OPFS (coalesced appends count once), and the milliseconds they took. */
  writes: number;
  writeMs: number;
}

export function emptyFlushStats(): FlushStats {
  return { flushes: 0, flushMs: 0, cleanFlushes: 0, writes: 0, writeMs: 0 };
}

export class OpfsSlot {
  /** Bumped whenever the slot leaves its file (delete, overwrite by rename): old handles go stale. */
  generation = 0;
  private physicalSize: number;
  private readonly pending = new ByteBuffer();
  /** Whether the file may hold bytes not yet flushed (see the header: starts true). */
  private dirty = true;

  constructor(
    readonly number: number,
    private readonly handle: FileSystemSyncAccessHandle,
    private readonly stats: FlushStats = emptyFlushStats(),
  ) {
    this.physicalSize = handle.getSize();
  }

  /** Length in bytes, pending appends included. */
  get size(): number {
    return this.physicalSize + this.pending.length;
  }

  read(offset: number, length: number): Uint8Array {
    const available = Math.max(0, Math.min(length, this.size - offset));
    const bytes = new Uint8Array(available);
    if (available === 0) return bytes;
    if (offset + available > this.physicalSize) this.drain();
    const read = this.handle.read(bytes, { at: offset });
    return read === available ? bytes : bytes.slice(0, read);
  }

  write(offset: number, data: Uint8Array): void {
    if (offset === this.size && this.pending.length + data.length <= pendingBytesMax) {
      this.pending.write(this.pending.length, data); // copies: callers may reuse their buffer
      return;
    }
    this.drain();
    if (offset > this.physicalSize) this.truncateFile(offset); // the gap reads as zeros
    this.writeFile(offset, data);
  }

  truncate(size: number): void {
    this.drain();
    this.truncateFile(size);
  }

  flush(): void {
    this.drain();
    if (!this.dirty) {
      this.stats.cleanFlushes++;
      return;
    }
    if (hostTimeline.on) hostTimeline.mark('flush');
    const t0 = performance.now();
    this.handle.flush();
    this.dirty = false;
    this.stats.flushes++;
    this.stats.flushMs += performance.now() - t0;
    if (hostTimeline.on) hostTimeline.mark('flushed');
  }

  /** Empties the file durably, so a crash cannot give its old bytes to the file that takes it next. */
  empty(): void {
    this.pending.truncate(0);
    this.truncateFile(0);
    this.handle.flush();
    this.dirty = false;
  }

  close(): void {
    this.drain();
    this.handle.close();
  }

  private drain(): void {
    if (this.pending.length === 0) return;
    this.writeFile(this.physicalSize, this.pending.view());
    this.pending.truncate(0);
  }

  private writeFile(offset: number, data: Uint8Array): void {
    if (hostTimeline.on) hostTimeline.mark('write');
    const t0 = performance.now();
    const written = this.handle.write(data, { at: offset });
    this.stats.writes++;
    this.stats.writeMs += performance.now() - t0;
    if (hostTimeline.on) hostTimeline.mark('written');
    if (written !== data.length) {
      this.handle.truncate(this.physicalSize); // undo a partial extension; pending bytes stay pending
      throw new Error(`short write: ${written} of ${data.length} bytes`);
    }
    this.physicalSize = Math.max(this.physicalSize, offset + written);
    this.dirty = true;
  }

  private truncateFile(size: number): void {
    this.handle.truncate(size);
    this.physicalSize = size;
    this.dirty = true;
  }
}
