/**
 * The saved ring on its own (ringFile.ts): what is written is read back with every attribute; a
 * flipped bit, a torn temporary file or an impossible membership is reported, never trusted; and a
 * power loss right after the write keeps it (it is flushed before the rename).
 */
import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import { nodeId } from '../protocol/ids.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { MemoryFileSystem } from '../storage/files/memoryFileSystem.ts';
import { encodeRing, readRing, ringFileName, type SavedRing, writeRing } from './ringFile.ts';

const members = [{ id: nodeId('n1') }, { id: nodeId('n5'), weight: 2, dataCentre: 'east' }];
const ring = (over: Partial<SavedRing> = {}): SavedRing => ({
  members,
  left: false,
  decommissioning: false,
  rebuilding: false,
  rebuiltAmong: [],
  handovers: [],
  departed: [],
  fences: [],
  ...over,
});

describe('the saved ring', () => {
  it('reads back what was written, attributes, hand-overs and fences included, and survives a power loss', () => {
    const fs = new FaultyFileSystem({ label: 'disk:n1' });
    expect(readRing(fs, 8)).toBeNull();
    writeRing(fs, ring());
    const handovers = [{ peer: nodeId('n5'), range: { start: 4_000_000_000, end: 12 } }];
    const departed = [nodeId('n3')];
    const fences = [{ peer: nodeId('n6'), range: { start: 7, end: 900 } }];
    const saved = {
      members: members.slice(1),
      decommissioning: true,
      rebuilding: true,
      rebuiltAmong: [nodeId('n5'), nodeId('n2')],
      handovers,
      departed,
      fences,
    };
    writeRing(fs, ring(saved));
    fs.crash('power');
    expect(readRing(fs, 8)).toEqual(ring(saved));
    expect(fs.list()).toEqual([ringFileName]);
  });

  it('ignores a temporary file a crash left behind', () => {
    const fs = new MemoryFileSystem('memory:n1');
    writeRing(fs, ring());
    const torn = fs.open('RING.tmp', { create: true });
    torn.append(encodeRing(ring({ members: [], left: true })).subarray(0, 5));
    torn.close();
    expect(readRing(fs, 8)).toEqual(ring());
    writeRing(fs, ring({ left: true })); // and replaces it on the next save
    expect(readRing(fs, 8)).toEqual(ring({ left: true }));
  });

  it('reports a flipped bit and an impossible membership as corruption', () => {
    const fs = new FaultyFileSystem({ label: 'disk:n1' });
    writeRing(fs, ring());
    fs.flipBit(ringFileName, 20, 3);
    const flipped = readRing(fs, 8);
    expect(isKvError(flipped) && flipped.code).toBe('KV_CORRUPTION');
    expect(isKvError(flipped) && flipped.message).toMatch(
      /RING in disk:n1: the saved ring fails its checksum/,
    );

    writeRing(fs, ring({ members: [{ id: nodeId('n1'), weight: 500 }] }));
    const impossible = readRing(fs, 8); // 500 × 8 tokens is over the per-node limit
    expect(isKvError(impossible) && impossible.message).toMatch(/the saved ring is impossible/);
  });

  it('reads a ring saved before rebuilds recorded their members as none, and refuses a list that is no ids', () => {
    const fs = new MemoryFileSystem('memory:n1');
    const { rebuiltAmong: _, ...older } = ring();
    writeRing(fs, older as SavedRing);
    expect(readRing(fs, 8)).toEqual(ring());
    writeRing(fs, ring({ rebuiltAmong: [nodeId('n2'), 7 as unknown as ReturnType<typeof nodeId>] }));
    const odd = readRing(fs, 8);
    expect(isKvError(odd) && odd.message).toMatch(
      /the members of the last rebuild are not a list of node ids/,
    );
  });
});
