/**
 * The hint store is durable and separate: hints survive a crash once synced, a torn tail is cut
 * off, delivered hints stay forgotten across reopen, and a rewrite keeps exactly the live hints.
 */
import { describe, expect, it } from 'vitest';
import { nodeId } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { syncSiblings, type Version } from '../versioning/siblings.ts';
import { increment } from '../versioning/vectorClock.ts';
import { type Hint, HintStore } from './hintStore.ts';
import { nextVersionForTest } from './testing/versions.ts';

const n3 = nodeId('n3');
const n4 = nodeId('n4');

/** A version written at `node` on top of `after` (a client that read `after` first). */
function writtenAt(node: string, value: string, after?: Version): Version {
  const clock = increment(after?.clock ?? [], nodeId(node), 1);
  return { clock, value: new TextEncoder().encode(value), timestamp: clock.length };
}

/** What a replica read made of a key's hints before they were merged once: a sync per hint. */
const syncedOneByOne = (hints: readonly Hint[]) =>
  hints.reduce<Version[]>((acc, hint) => syncSiblings(acc, hint.versions), []);
const disk = () => new FaultyFileSystem({ rng: new Rng(1, 'disk') });

describe('HintStore', () => {
  it('keeps synced hints through a power loss and loses only unsynced ones', () => {
    const fs = disk();
    const store = new HintStore(fs);
    store.add(n3, 'k1', [nextVersionForTest('a')], 10);
    store.sync();
    store.add(n3, 'k2', [nextVersionForTest('b')], 11);
    fs.crash('power', 'drop');
    const reopened = new HintStore(fs);
    expect(reopened.all().map((h) => h.key)).toEqual(['k1']);
    expect(reopened.forOwner(n3)[0]?.versions[0]?.value).toEqual(new TextEncoder().encode('a'));
  });

  it('cuts a torn tail and keeps every whole record before it', () => {
    const fs = disk();
    const store = new HintStore(fs);
    store.add(n3, 'k1', [nextVersionForTest('a')], 1);
    store.sync();
    store.add(n3, 'k2', [nextVersionForTest('b')], 2);
    fs.crash('power', 'tear');
    const reopened = new HintStore(fs);
    expect(reopened.all().map((h) => h.key)).toEqual(['k1']);
    const again = new HintStore(fs);
    expect(again.recovery.truncatedBytes).toBe(0);
  });

  it('forgets delivered hints for good, and never reuses an id', () => {
    const fs = disk();
    const store = new HintStore(fs);
    const first = store.add(n3, 'k1', [nextVersionForTest('a')], 1);
    store.add(n3, 'k2', [nextVersionForTest('b')], 2);
    store.remove(first.id, 'delivered');
    store.sync();
    const reopened = new HintStore(fs);
    expect(reopened.all().map((h) => h.key)).toEqual(['k2']);
    expect(reopened.add(n3, 'k3', [], 3).id).toBeGreaterThan(2);
  });

  it("numbers hints from an incarnation's base, never below the ids on file, and keeps big ids across a reopen", () => {
    const fs = disk();
    const store = new HintStore(fs);
    store.numberFrom(2 ** 40 + 1); // a wiped stand-in's new incarnation (versioning/actor.ts opBase)
    const hint = store.add(n3, 'k1', [nextVersionForTest('a')], 1);
    expect(hint.id).toBe(2 ** 40 + 1);
    store.sync();
    const reopened = new HintStore(fs);
    reopened.numberFrom(5); // lower than the ids on file: no effect
    expect(reopened.all().map((h) => h.id)).toEqual([2 ** 40 + 1]);
    expect(reopened.add(n3, 'k2', [], 2).id).toBe(2 ** 40 + 2);
  });

  it('rewrites the file when it is mostly dead records, keeping the live hints', () => {
    const fs = disk();
    const store = new HintStore(fs);
    for (let i = 0; i < 300; i++)
      store.remove(store.add(n3, `gone${i}`, [nextVersionForTest('x')], i).id, 'delivered');
    store.add(n3, 'kept', [nextVersionForTest('y')], 999);
    store.sync();
    expect(fs.list()).not.toContain('hints.tmp');
    const before = fs.open('hints.log').size();
    expect(before).toBeLessThan(300 * 20);
    expect(new HintStore(fs).all().map((h) => h.key)).toEqual(['kept']);
  });

  it("lists a key's hints and their merged versions, current through adds, removals and reopening", () => {
    const fs = disk();
    const store = new HintStore(fs);
    const a = writtenAt('n1', 'a');
    const b = writtenAt('n2', 'b'); // concurrent with a: siblings
    const c = writtenAt('n1', 'c', a); // supersedes a
    const first = store.add(n3, 'k', [a], 1);
    store.add(n4, 'k', [a], 1);
    store.add(n3, 'other', [b], 2);
    store.add(n3, 'k', [b], 3);
    expect(store.forKey('k').map((h) => h.id)).toEqual([1, 2, 4]);
    expect(store.versionsForKey('k')).toEqual(syncedOneByOne(store.forKey('k')));
    expect(store.versionsForKey('k').map((v) => v.value)).toHaveLength(2);
    store.add(n4, 'k', [c], 4);
    expect(store.versionsForKey('k')).toEqual(syncSiblings([b], [c]));
    store.remove(first.id, 'delivered');
    expect(store.forKey('k').map((h) => h.id)).toEqual([2, 4, 5]);
    store.sync();
    const reopened = new HintStore(fs);
    expect(reopened.forKey('k').map((h) => h.id)).toEqual([2, 4, 5]);
    expect(reopened.versionsForKey('k')).toEqual(syncedOneByOne(reopened.forKey('k')));
    expect(reopened.versionsForKey('none')).toEqual([]);
    for (const hint of reopened.forKey('k')) reopened.remove(hint.id, 'delivered');
    expect(reopened.forKey('k')).toEqual([]);
    expect(reopened.versionsForKey('k')).toEqual([]);
  });
});
