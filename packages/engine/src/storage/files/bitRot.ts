/**
 * Bit rot, on purpose: one bit flipped a third of the way into a store's largest table, where its
 * data blocks are (they come first in the file). Written through the `FileSystem` like any write, so
 * the simulator's nemesis (the `corrupt` fault) and the lab's worker damage a disk the same way; the
 * block's checksum finds it when the block is next read from the file (node/contract.ts says what
 * happens then).
 */

import type { FileSystem } from './fileSystem.ts';

/** Flips the bit; returns where, or null when the store has no table yet. */
export function flipBitInLargestTable(fs: FileSystem): { table: string; at: number } | null {
  const tables = fs
    .list()
    .filter((name) => name.endsWith('.sst'))
    .map((name) => {
      const handle = fs.open(name);
      const size = handle.size();
      handle.close();
      return { name, size };
    })
    .sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
  const table = tables[0];
  if (table === undefined) return null;
  const at = Math.floor(table.size / 3);
  const handle = fs.open(table.name);
  const [byte = 0] = handle.read(at, 1);
  handle.write(at, Uint8Array.of(byte ^ 0x10));
  handle.flush();
  handle.close();
  return { table: table.name, at };
}
