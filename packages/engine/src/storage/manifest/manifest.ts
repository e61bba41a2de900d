/**
 * The manifest: which tables are live, at which level, and which commit logs still matter. It is
 * rewritten whole and switched atomically — written to MANIFEST.tmp, flushed, renamed over MANIFEST —
 * so after a crash it is either the old or the new one (leveldb switches CURRENT the same way).
 *
 * File:  [crc32c u32 of the rest][length u32][JSON, UTF-8]
 * Logs numbered ≥ `logNumber` hold writes not yet in a table; older logs are garbage.
 */

import { kvError } from '../../errors.ts';
import { utf8Decode, utf8Encode } from '../../hashing/utf8.ts';
import type { FileSystem } from '../files/fileSystem.ts';
import { readU32, writeU32 } from '../format/bytes.ts';
import { crc32c } from '../format/crc32c.ts';
import type { TableMeta } from '../sstable/tableFormat.ts';

export const manifestFileName = 'MANIFEST';
export const manifestTempFileName = 'MANIFEST.tmp';
const manifestVersion = 1;

export interface Manifest {
  version: number;
  nextFileNumber: number;
  logNumber: number;
  lastSeq: number;
  tables: TableMeta[];
}

export function emptyManifest(): Manifest {
  return { version: manifestVersion, nextFileNumber: 2, logNumber: 1, lastSeq: 0, tables: [] };
}

export function encodeManifest(manifest: Manifest): Uint8Array {
  const json = utf8Encode(JSON.stringify(manifest));
  const out = new Uint8Array(8 + json.length);
  out.set(json, 8);
  writeU32(out, 4, json.length);
  writeU32(out, 0, crc32c(out, 4));
  return out;
}

export function decodeManifest(bytes: Uint8Array, where: string): Manifest {
  if (bytes.length < 8 || readU32(bytes, 4) !== bytes.length - 8 || crc32c(bytes, 4) !== readU32(bytes, 0)) {
    throw kvError('KV_CORRUPTION', `${where}: the manifest at offset 0 fails its checksum`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(utf8Decode(bytes, 8) ?? '') as Manifest;
  } catch (error) {
    throw kvError('KV_CORRUPTION', `${where}: the manifest is not valid JSON`, error);
  }
  if (manifest.version !== manifestVersion || !Array.isArray(manifest.tables)) {
    throw kvError('KV_CORRUPTION', `${where}: manifest version ${String(manifest.version)} is not supported`);
  }
  return manifest;
}

/** Reads MANIFEST, or returns null when the store is new. */
export function readManifest(fs: FileSystem): Manifest | null {
  if (!fs.exists(manifestFileName)) return null;
  const handle = fs.open(manifestFileName);
  try {
    return decodeManifest(handle.read(0, handle.size()), `${manifestFileName} in ${fs.label}`);
  } finally {
    handle.close();
  }
}

/** Writes `manifest` durably and switches to it atomically. */
export function writeManifest(fs: FileSystem, manifest: Manifest): void {
  const handle = fs.open(manifestTempFileName, { create: true });
  try {
    handle.truncate(0);
    handle.write(0, encodeManifest(manifest));
    handle.flush();
  } finally {
    handle.close();
  }
  fs.rename(manifestTempFileName, manifestFileName);
}
