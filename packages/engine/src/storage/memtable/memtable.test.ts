import { describe, expect, it } from 'vitest';
import { type Entry, EntryKind } from '../format/entry.ts';
import { encodeKey } from '../format/keys.ts';
import { Memtable } from './memtable.ts';

function entry(key: string, seq: number, value = 'v'): Entry {
  return { key, keyBytes: encodeKey(key), seq, kind: EntryKind.Put, value: encodeKey(value), deletedAt: 0 };
}

function put(table: Memtable, e: Entry): void {
  table.put(e);
}

describe('memtable', () => {
  it('keeps the newest version of a key and accounts its bytes once', () => {
    const table = new Memtable();
    put(table, entry('a', 1, 'x'.repeat(100)));
    const afterFirst = table.bytes;
    put(table, entry('a', 2, 'y'));
    expect(table.entryCount).toBe(1);
    expect(table.get('a')?.seq).toBe(2);
    expect(table.bytes).toBe(afterFirst - 99);
  });

  it('lists entries in code-point order, ASCII or not, and ranges are half-open', () => {
    const table = new Memtable();
    const keys = ['b', 'a', '\uffff', '😀', 'c', 'ab'];
    for (const [i, key] of keys.entries()) put(table, entry(key, i + 1));
    expect(table.entries().map((e) => e.key)).toEqual(['a', 'ab', 'b', 'c', '\uffff', '😀']);
    expect(table.range('ab', 'c').map((e) => e.key)).toEqual(['ab', 'b']);
    expect(table.range(undefined, 'b').map((e) => e.key)).toEqual(['a', 'ab']);
    put(table, entry('aa', 9));
    expect(table.range('a', 'ab').map((e) => e.key)).toEqual(['a', 'aa']);
  });

  it('counts tombstones', () => {
    const table = new Memtable();
    put(table, entry('a', 1));
    table.put({
      key: 'a',
      keyBytes: encodeKey('a'),
      seq: 2,
      kind: EntryKind.Delete,
      value: new Uint8Array(0),
      deletedAt: 5,
    });
    expect(table.tombstones).toBe(1);
    put(table, entry('a', 3));
    expect(table.tombstones).toBe(0);
  });
});
