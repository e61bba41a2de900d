import { emptyClock, newVersion, nodeId, type Version } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { VersionMemory, versionKeysMax, versionsPerKeyMax } from './versionMemory.ts';

const write = (node: string, now: number, local: Version[] = []): Version =>
  newVersion({ context: emptyClock, coordinator: nodeId(node), now, value: new Uint8Array([now]), local });

describe('VersionMemory', () => {
  it('keeps each write once, and a version no replica holds any more', () => {
    const memory = new VersionMemory();
    const a = write('n1', 1);
    const b = write('n1', 2, [a]);
    memory.remember('k', [a]);
    memory.remember('k', [a, b]);
    memory.remember('k', [b]);
    expect(memory.seen('k').map((v) => v.timestamp)).toEqual([1, 2]);
    expect(memory.seen('other')).toEqual([]);
  });

  it('keeps the newest versions of the keys read most recently, and forgets all after a reset', () => {
    const memory = new VersionMemory();
    const versions: Version[] = [];
    for (let i = 1; i <= versionsPerKeyMax + 5; i++) versions.push(write('n2', i, versions));
    memory.remember('k', versions);
    expect(memory.seen('k').map((v) => v.timestamp)).toEqual(versions.slice(5).map((v) => v.timestamp));
    for (let i = 0; i < versionKeysMax; i++) memory.remember(`key${i}`, [write('n3', i)]);
    expect(memory.seen('k')).toEqual([]); // the least recently read key went first
    expect(memory.seen('key0')).toHaveLength(1);
    memory.since(0);
    expect(memory.seen('key0')).toHaveLength(1); // no reset since
    memory.since(1);
    expect(memory.seen('key0')).toEqual([]);
  });
});
