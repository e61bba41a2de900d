/**
 * The OPFS backend's catalog: the table that maps each file name of the engine to the physical
 * `slot-<n>` file holding its bytes. It exists because OPFS can neither create nor rename a file
 * synchronously, while the engine's `FileSystem` must do both synchronously and rename atomically
 * (opfsFileSystem.ts explains the whole scheme). Renaming, creating or deleting a file is one
 * catalog write.
 *
 * Atomicity comes from two copies, `catalog-0` and `catalog-1`, written alternately:
 *
 *   copy = magic "KVC1" | sequence u32 | body length u32 | crc32(sequence..body) u32 | body (JSON)
 *
 * A new state with sequence s+1 is written (and flushed) into the copy that does *not* hold the
 * current state s. On open, the valid copy with the higher sequence wins. A crash mid-write tears
 * only the copy being written, whose checksum then fails, so the other copy — the previous state —
 * is read: every catalog change is all-or-nothing. Invariant: after `write` returns, the state is
 * durable and the other copy still holds the previous state.
 */

import { kvError } from '@kvscope/engine';
import { crc32 } from './crc32.ts';

const magic = 0x4b564331; // "KVC1"
const headerBytes = 16;
export const catalogCopyNames = ['catalog-0', 'catalog-1'] as const;

/** File name → slot number. */
export type CatalogFiles = Map<string, number>;

interface CatalogBody {
  files: [string, number][];
}

export function encodeCatalog(sequence: number, files: CatalogFiles): Uint8Array {
  const body: CatalogBody = { files: [...files.entries()] };
  const text = new TextEncoder().encode(JSON.stringify(body));
  const bytes = new Uint8Array(headerBytes + text.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, sequence);
  view.setUint32(8, text.length);
  bytes.set(text, headerBytes);
  view.setUint32(12, crc32Covered(bytes));
  return bytes;
}

/** The state held by one copy, or `undefined` when the copy is empty, torn or damaged. */
export function decodeCatalog(bytes: Uint8Array): { sequence: number; files: CatalogFiles } | undefined {
  if (bytes.length < headerBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) return undefined;
  const length = view.getUint32(8);
  if (headerBytes + length !== bytes.length) return undefined;
  if (view.getUint32(12) !== crc32Covered(bytes)) return undefined;
  const body = JSON.parse(new TextDecoder().decode(bytes.subarray(headerBytes))) as CatalogBody;
  return { sequence: view.getUint32(4), files: new Map(body.files) };
}

/** The checksum covers the sequence, the length and the body: everything but magic and itself. */
function crc32Covered(bytes: Uint8Array): number {
  const covered = new Uint8Array(bytes.length - 8);
  covered.set(bytes.subarray(4, 12), 0);
  covered.set(bytes.subarray(headerBytes), 8);
  return crc32(covered);
}

/** The two copies on their sync access handles, and the sequence of the current state. */
export class Catalog {
  private sequence = 0;

  private constructor(
    private readonly copies: readonly [FileSystemSyncAccessHandle, FileSystemSyncAccessHandle],
    private readonly label: string,
  ) {}

  /**
   * Reads both copies and returns the newest whole state. No whole copy means a new folder (or a
   * first write that tore, when nothing had been named yet) — unless both copies hold bytes, which
   * only damage can explain: that is `KV_CORRUPTION`, never a silently empty node.
   */
  static load(
    copies: readonly [FileSystemSyncAccessHandle, FileSystemSyncAccessHandle],
    label: string,
  ): { catalog: Catalog; files: CatalogFiles } {
    const catalog = new Catalog(copies, label);
    const raw = copies.map(readWhole);
    const states = raw.map(decodeCatalog);
    let best: { sequence: number; files: CatalogFiles } | undefined;
    for (const state of states) if (state && (!best || state.sequence > best.sequence)) best = state;
    if (!best) {
      if (raw.every((bytes) => bytes.length > 0)) {
        throw kvError('KV_CORRUPTION', `both catalog copies of ${label} are damaged (checksum mismatch)`);
      }
      return { catalog, files: new Map() };
    }
    catalog.sequence = best.sequence;
    return { catalog, files: best.files };
  }

  /** Makes `files` the durable state, atomically (see the header). */
  write(files: CatalogFiles): void {
    const next = this.sequence + 1;
    const copy = this.copies[next % 2]!;
    const bytes = encodeCatalog(next, files);
    const written = copy.write(bytes, { at: 0 });
    if (written !== bytes.length) {
      throw kvError(
        'KV_IO',
        `short write of the catalog of ${this.label}: ${written} of ${bytes.length} bytes`,
      );
    }
    copy.truncate(bytes.length);
    copy.flush();
    this.sequence = next;
  }

  close(): void {
    for (const copy of this.copies) copy.close();
  }
}

function readWhole(handle: FileSystemSyncAccessHandle): Uint8Array {
  const bytes = new Uint8Array(handle.getSize());
  const read = handle.read(bytes, { at: 0 });
  return bytes.subarray(0, read);
}
