/**
 * The actor file: a node keeps its name across restarts, even power loss right after it took it, and
 * takes a new one — never an earlier incarnation's — when its disk has no readable record.
 */
import { describe, expect, it } from 'vitest';
import { nodeId } from '../protocol/ids.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { openActor } from './actor.ts';

const n4 = nodeId('n4');

describe('openActor', () => {
  it('gives the first incarnation the plain node id and keeps it across a power loss', () => {
    const fs = new FaultyFileSystem();
    expect(openActor(fs, n4, 0)).toEqual({ name: 'n4', origin: 'first' });
    fs.crash('power', 'drop');
    expect(openActor(fs, n4, 52_000)).toEqual({ name: 'n4', origin: 'kept' });
  });

  it('names a start on an empty disk after the origin by its counter floor, and keeps that name', () => {
    const fs = new FaultyFileSystem();
    expect(openActor(fs, n4, 73_480)).toEqual({ name: 'n4~1kp4', origin: 'no-record' });
    expect(openActor(fs, n4, 90_000)).toEqual({ name: 'n4~1kp4', origin: 'kept' });
    for (const name of fs.list()) fs.delete(name); // a second wipe: another name again
    expect(openActor(fs, n4, 90_000).name).toBe('n4~1xg0');
  });

  it('takes a new name when the record is damaged, and says so', () => {
    const fs = new FaultyFileSystem();
    openActor(fs, n4, 0);
    const handle = fs.open('ACTOR');
    handle.write(5, Uint8Array.of(0x21)); // one byte of the name, so its checksum no longer matches
    handle.flush();
    handle.close();
    expect(openActor(fs, n4, 12_000)).toEqual({ name: 'n4~99c', origin: 'unreadable-record' });
  });
});
