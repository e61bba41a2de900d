/**
 * Shared by the crash-point (T9) and model (T10) tests: a seeded workload of puts, deletes and
 * syncs over a small key space, and the model of what a store may hold after a prefix of it.
 */

import { Rng } from '../../src/random/rng.ts';
import type { LsmStore } from '../../src/storage/lsmStore.ts';
import type { LsmOptions } from '../../src/storage/options.ts';

export type Op =
  | { kind: 'put'; key: string; value: string }
  | { kind: 'delete'; key: string }
  | { kind: 'sync' };

/** Thresholds tiny enough that a few hundred writes flush, rotate logs and compact many times. */
export const tinyStore: Partial<LsmOptions> = {
  memtableBytesMax: 700,
  blockBytesTarget: 200,
  tableBytesTarget: 1_000,
  leveledL0TablesMax: 3,
  leveledL1BytesMax: 2_000,
  tieredMergeWidthMin: 3,
  logBufferBytesMax: 300,
  tombstoneGraceMs: 0,
};

export function workload(seed: number, length: number, keys = 30): Op[] {
  const rng = new Rng(seed, 'storage-workload');
  const ops: Op[] = [];
  for (let i = 0; i < length; i++) {
    const roll = rng.float();
    const key = `k${String(rng.int(keys)).padStart(2, '0')}`;
    if (roll < 0.65) ops.push({ kind: 'put', key, value: `${key}=${i}${'.'.repeat(rng.int(40))}` });
    else if (roll < 0.85) ops.push({ kind: 'delete', key });
    else ops.push({ kind: 'sync' });
  }
  return ops;
}

export function applyOp(store: LsmStore, op: Op): void {
  if (op.kind === 'put') store.put(op.key, new TextEncoder().encode(op.value));
  else if (op.kind === 'delete') store.delete(op.key);
  else store.sync();
}

/** The key → value map after each prefix of `ops`: states[j] is after the first j ops. */
export function modelStates(ops: readonly Op[]): Map<string, string>[] {
  const states = [new Map<string, string>()];
  for (const op of ops) {
    const next = new Map(states[states.length - 1]);
    if (op.kind === 'put') next.set(op.key, op.value);
    else if (op.kind === 'delete') next.delete(op.key);
    states.push(next);
  }
  return states;
}

export function storeContents(store: LsmStore): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of store.scan()) out.set(key, new TextDecoder().decode(value));
  return out;
}

export function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
