/**
 * The actor record: a node keeps its name and lease across restarts, even a power cut right after it
 * wrote them; it takes a new name — never an earlier incarnation's — when its disk has no readable
 * record; and it never issues a counter above a lease that is not on disk.
 */
import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import { nodeId } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { Actor } from './actor.ts';

const n4 = nodeId('n4');
const start = (firstStart: boolean, now = 0, seed = 1) => ({ firstStart, now, rng: new Rng(seed, 'actor') });

describe('Actor', () => {
  it('gives the first start the plain node id and keeps it, with its lease, across a power cut', () => {
    const fs = new FaultyFileSystem();
    const first = Actor.open(fs, n4, start(true));
    expect([first.name, first.origin, first.lease]).toEqual(['n4', 'first', 0]);
    expect(first.issue(1)).toBe(true); // the first counter raises the lease on disk
    expect(first.issue(2)).toBe(false);
    fs.crash('power', 'drop');
    const again = Actor.open(fs, n4, start(false, 52_000));
    expect([again.name, again.origin]).toEqual(['n4', 'kept']);
    expect(again.lease).toBeGreaterThanOrEqual(2); // a restart's counters start above every one issued
  });

  it('names a later start on an empty disk by its time and three random characters, and keeps that name', () => {
    const fs = new FaultyFileSystem();
    const wiped = Actor.open(fs, n4, start(false, 7_348));
    expect(wiped.name).toMatch(/^n4~7[0-9a-z]{3}$/);
    expect([wiped.origin, wiped.lease]).toEqual(['no-record', 0]);
    expect(Actor.open(fs, n4, start(false, 9_000)).name).toBe(wiped.name);
  });

  it('gives two wiped incarnations different names even when the clock was set back to the same instant', () => {
    const names = new Set<string>();
    for (let incarnation = 1; incarnation <= 8; incarnation++)
      names.add(Actor.open(new FaultyFileSystem(), n4, start(false, 0, incarnation)).name);
    expect(names.size).toBe(8);
  });

  it('takes a new name when the record is damaged, and says so', () => {
    const fs = new FaultyFileSystem();
    Actor.open(fs, n4, start(true));
    const handle = fs.open('ACTOR');
    handle.write(5, Uint8Array.of(0x21)); // a byte of the body: the checksum no longer matches
    handle.flush();
    handle.close();
    const renamed = Actor.open(fs, n4, start(false, 12_000));
    expect(renamed.origin).toBe('unreadable-record');
    expect(renamed.name).toMatch(/^n4~c[0-9a-z]{3}$/);
  });

  it('refuses a counter past its lease when the disk cannot take the new lease (the write must fail)', () => {
    const fs = new FaultyFileSystem();
    const actor = Actor.open(fs, n4, start(true));
    fs.quotaBytes = 0; // a full disk
    const refused = actor.issue(1);
    expect(isKvError(refused) && refused.code).toBe('KV_QUOTA_EXCEEDED');
    expect(actor.lease).toBe(0);
  });
});
