/**
 * Applying a compaction plan: merge the input tables, keep the newest version of each key, drop
 * tombstones whose grace period is over when nothing older can be resurrected (`plan.bottommost`),
 * and write the result as one table (size-tiered: a run is one table) or as tables of about
 * `tableBytesTarget` (leveled). The caller switches the manifest
 * and only then deletes the inputs, so a crash at any point leaves either the inputs or the outputs
 * live — never neither. Outputs already written are deleted if a later step fails.
 */

import type { FileSystem } from '../files/fileSystem.ts';
import { EntryKind } from '../format/entry.ts';
import { TableBuilder, type TableBuildOptions } from '../sstable/tableBuilder.ts';
import { type TableMeta, tableFileName } from '../sstable/tableFormat.ts';
import type { TableReader } from '../sstable/tableReader.ts';
import { type MergeCounts, mergeNewest } from './merge.ts';
import type { CompactionPlan } from './plan.ts';

export interface CompactionContext {
  fs: FileSystem;
  /** Build options for the outputs (compaction output is cold data: compressed where it pays). */
  build: TableBuildOptions;
  tableBytesTarget: number;
  now: number;
  tombstoneGraceMs: number;
  nextFileNumber(): number;
}

export interface CompactionResult {
  outputs: TableMeta[];
  bytesRead: number;
  bytesWritten: number;
  overwritten: number;
  tombstonesDropped: number;
}

export function applyCompaction(
  context: CompactionContext,
  plan: CompactionPlan,
  inputs: readonly TableReader[],
): CompactionResult {
  const counts: MergeCounts = { overwritten: 0 };
  const outputs: TableMeta[] = [];
  let builder: TableBuilder | null = null;
  let tombstonesDropped = 0;
  // A size-tiered run is one table: split into pieces, each would look like a run of its own and be
  // merged again. Leveled output is split so later merges into the next level stay small.
  const splitOutput = plan.strategy === 'leveled';
  try {
    const merged = mergeNewest(
      inputs.map((table) => table.storedEntries()),
      counts,
    );
    for (const entry of merged) {
      if (
        entry.kind === EntryKind.Delete &&
        plan.bottommost &&
        context.now - entry.deletedAt >= context.tombstoneGraceMs
      ) {
        tombstonesDropped++;
        continue;
      }
      builder ??= new TableBuilder(context.fs, context.nextFileNumber(), plan.outputLevel, context.build);
      builder.add(entry);
      if (splitOutput && builder.estimatedBytes >= context.tableBytesTarget) {
        outputs.push(builder.finish());
        builder = null;
      }
    }
    if (builder) outputs.push(builder.finish());
  } catch (error) {
    builder?.abandon();
    for (const output of outputs) context.fs.delete(tableFileName(output.id));
    throw error;
  }
  return {
    outputs,
    bytesRead: inputs.reduce((sum, t) => sum + t.meta.bytes, 0),
    bytesWritten: outputs.reduce((sum, t) => sum + t.bytes, 0),
    overwritten: counts.overwritten,
    tombstonesDropped,
  };
}
