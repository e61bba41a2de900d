/**
 * Opening a store from its files (SPEC 1.8, durability contract):
 *   1. drop a half-written MANIFEST.tmp; read MANIFEST (a new store writes an empty one first);
 *   2. open every live table (footer, index and filter verified);
 *   3. replay, in order, every log numbered ≥ the manifest's log number into a memtable, truncating
 *      a torn tail (logReplay.ts);
 *   4. delete orphans: tables the manifest does not name (a flush or compaction cut short) and logs
 *      older than the manifest's log number (already in tables).
 * Files that are not ours are left alone. MANIFEST missing while tables or logs exist is damage
 * (`KV_CORRUPTION`), since MANIFEST is written before any of them.
 */

import { kvError } from '../errors.ts';
import type { BlockCache } from './cache/blockCache.ts';
import type { FileSystem } from './files/fileSystem.ts';
import {
  emptyManifest,
  type Manifest,
  manifestTempFileName,
  readManifest,
  writeManifest,
} from './manifest/manifest.ts';
import { Memtable } from './memtable/memtable.ts';
import type { RecoverySummary } from './snapshot.ts';
import { tableFileName } from './sstable/tableFormat.ts';
import { TableReader } from './sstable/tableReader.ts';
import { logFileName } from './wal/commitLog.ts';
import { replayLog } from './wal/logReplay.ts';

const numberedFile = /^(\d{6,})\.(log|sst)$/;

export interface Recovered {
  manifest: Manifest;
  tables: TableReader[];
  memtable: Memtable;
  /** Live log numbers, ascending; the last one is appended to. */
  logNumbers: number[];
  lastSeq: number;
  nextFileNumber: number;
  summary: RecoverySummary;
}

function numbered(files: readonly string[], extension: 'log' | 'sst'): number[] {
  const out: number[] = [];
  for (const file of files) {
    const match = numberedFile.exec(file);
    if (match && match[2] === extension) out.push(Number(match[1]));
  }
  return out.sort((a, b) => a - b);
}

function readOrCreateManifest(fs: FileSystem): Manifest {
  if (fs.exists(manifestTempFileName)) fs.delete(manifestTempFileName);
  const manifest = readManifest(fs);
  if (manifest) return manifest;
  const files = fs.list();
  const data = [...numbered(files, 'log'), ...numbered(files, 'sst')];
  if (data.length > 0) {
    throw kvError(
      'KV_CORRUPTION',
      `${fs.label}: MANIFEST is missing but ${data.length} table or log files exist`,
    );
  }
  const fresh = emptyManifest();
  writeManifest(fs, fresh);
  return fresh;
}

function openTables(fs: FileSystem, manifest: Manifest, cache: BlockCache): TableReader[] {
  const tables: TableReader[] = [];
  try {
    for (const meta of manifest.tables) tables.push(TableReader.open(fs, meta, cache));
  } catch (error) {
    for (const table of tables) table.close();
    throw error;
  }
  return tables;
}

export function recoverStore(fs: FileSystem, cache: BlockCache): Recovered {
  const manifest = readOrCreateManifest(fs);
  const tables = openTables(fs, manifest, cache);
  const files = fs.list();
  const memtable = new Memtable();
  let lastSeq = Math.max(manifest.lastSeq, ...manifest.tables.map((t) => t.maxSeq));
  const logNumbers = numbered(files, 'log').filter((n) => n >= manifest.logNumber);
  let recordsReplayed = 0;
  let truncatedBytes = 0;
  try {
    for (const number of logNumbers) {
      const replay = replayLog(fs, logFileName(number), (entry) => {
        const current = memtable.get(entry.key);
        if (!current || current.seq < entry.seq) memtable.put(entry);
      });
      recordsReplayed += replay.records;
      truncatedBytes += replay.truncatedBytes;
      lastSeq = Math.max(lastSeq, replay.maxSeq);
    }
  } catch (error) {
    for (const table of tables) table.close();
    throw error;
  }
  const live = new Set(manifest.tables.map((t) => tableFileName(t.id)));
  const orphans = [
    ...numbered(files, 'sst')
      .map(tableFileName)
      .filter((name) => !live.has(name)),
    ...numbered(files, 'log')
      .filter((n) => n < manifest.logNumber)
      .map(logFileName),
  ];
  for (const orphan of orphans) fs.delete(orphan);
  const highest = Math.max(0, ...numbered(files, 'log'), ...numbered(files, 'sst'));
  return {
    manifest,
    tables,
    memtable,
    logNumbers: logNumbers.length > 0 ? logNumbers : [manifest.logNumber],
    lastSeq,
    nextFileNumber: Math.max(manifest.nextFileNumber, highest + 1, manifest.logNumber + 1),
    summary: { logsReplayed: logNumbers.length, recordsReplayed, truncatedBytes, orphansDeleted: orphans },
  };
}
