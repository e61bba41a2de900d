import { describe, expect, it } from 'vitest';
import { isKvError } from '../../errors.ts';
import { Rng } from '../../random/rng.ts';
import { FaultyFileSystem, replayOperations } from './faultyFileSystem.ts';
import { fileSystemContract } from './testing/fileSystemContract.ts';

/** The first `open` of a case gets a fresh disk; later ones get the same disk after a power loss. */
let disk: FaultyFileSystem | null = null;
fileSystemContract(
  'faulty (reopened after power loss)',
  () => {
    if (disk) disk.crash('power', 'drop');
    else disk = new FaultyFileSystem();
    return disk;
  },
  () => {
    disk = null;
  },
);

const bytes = (...values: number[]) => Uint8Array.from(values);

function fileBytes(fs: FaultyFileSystem, name: string): number[] {
  const handle = fs.open(name);
  const out = [...handle.read(0, handle.size())];
  handle.close();
  return out;
}

/** A disk with `log` = [1,2] flushed, then [3,4] and [5,6,7,8] appended unsynced. */
function diskWithUnsyncedTail(options = {}): FaultyFileSystem {
  const fs = new FaultyFileSystem({ recordTrace: true, ...options });
  const log = fs.open('log', { create: true });
  log.append(bytes(1, 2));
  log.flush();
  log.append(bytes(3, 4));
  log.append(bytes(5, 6, 7, 8));
  return fs;
}

describe('faulty file system', () => {
  it('a process crash keeps unsynced bytes but closes every handle', () => {
    const fs = diskWithUnsyncedTail();
    const handle = fs.open('log');
    fs.crash('process');
    expect(() => handle.size()).toThrow(/KV_CLOSED/);
    expect(fileBytes(fs, 'log')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a power loss drops every unsynced write', () => {
    const fs = diskWithUnsyncedTail();
    fs.crash('power', 'drop');
    expect(fileBytes(fs, 'log')).toEqual([1, 2]);
  });

  it('a torn power loss keeps earlier writes and half of the last one', () => {
    const fs = diskWithUnsyncedTail();
    fs.crash('power', 'tear');
    expect(fileBytes(fs, 'log')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a random power loss keeps a prefix of the unsynced writes, decided by the seed', () => {
    const outcomes = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const fs = diskWithUnsyncedTail({ rng: new Rng(seed) });
      fs.crash('power', 'random');
      const kept = fileBytes(fs, 'log');
      expect([1, 2, 3, 4, 5, 6, 7, 8].slice(0, kept.length)).toEqual(kept);
      outcomes.add(kept.join());
    }
    expect(outcomes.size).toBeGreaterThan(2);
    const again = (seed: number) => {
      const fs = diskWithUnsyncedTail({ rng: new Rng(seed) });
      fs.crash('power');
      return fileBytes(fs, 'log');
    };
    expect(again(7)).toEqual(again(7));
  });

  it('renaming an unflushed file and losing power leaves the target empty', () => {
    const fs = new FaultyFileSystem();
    const tmp = fs.open('MANIFEST.tmp', { create: true });
    tmp.append(bytes(9, 9, 9));
    tmp.close();
    fs.rename('MANIFEST.tmp', 'MANIFEST');
    fs.crash('power', 'drop');
    expect(fileBytes(fs, 'MANIFEST')).toEqual([]);
  });

  it('flipBit damages the stored bytes', () => {
    const fs = diskWithUnsyncedTail();
    fs.flipBit('log', 1, 3);
    expect(fileBytes(fs, 'log')[1]).toBe(2 ^ 8);
    fs.crash('power', 'drop');
    expect(fileBytes(fs, 'log')).toEqual([1, 2 ^ 8]);
  });

  it('a write past the quota throws KV_QUOTA_EXCEEDED and changes nothing', () => {
    const fs = diskWithUnsyncedTail({ quotaBytes: 10 });
    const log = fs.open('log');
    let error: unknown;
    try {
      log.append(bytes(1, 2, 3));
    } catch (e) {
      error = e;
    }
    expect(isKvError(error) && error.code).toBe('KV_QUOTA_EXCEEDED');
    expect(String(error)).toContain('quota of 10 bytes');
    expect(log.size()).toBe(8);
    log.write(0, bytes(7, 7));
    expect(log.size()).toBe(8);
  });

  it('replaying a trace prefix rebuilds the disk as it was at that point', () => {
    const fs = diskWithUnsyncedTail();
    fs.open('other', { create: true }).append(bytes(1));
    fs.rename('other', 'renamed');
    fs.delete('log');
    const atFlush = replayOperations(fs.trace.slice(0, 3));
    expect(atFlush.list()).toEqual(['log']);
    atFlush.crash('power', 'drop');
    expect(fileBytes(atFlush, 'log')).toEqual([1, 2]);
    const whole = replayOperations(fs.trace);
    expect(whole.list()).toEqual(['renamed']);
    expect(fileBytes(whole, 'renamed')).toEqual([1]);
  });
});
