import { describe, expect, it } from 'vitest';
import { FaultyFileSystem } from '../files/faultyFileSystem.ts';
import { type Entry, EntryKind } from '../format/entry.ts';
import { encodeKey } from '../format/keys.ts';
import { CommitLog, logFileName } from './commitLog.ts';
import { replayLog } from './logReplay.ts';

function entry(i: number): Entry {
  return {
    key: `key-${i}`,
    keyBytes: encodeKey(`key-${i}`),
    seq: i,
    kind: EntryKind.Put,
    value: encodeKey(`value-${i}`),
    deletedAt: 0,
  };
}

function replayed(fs: FaultyFileSystem, number = 1) {
  const entries: Entry[] = [];
  const report = replayLog(fs, logFileName(number), (e) => entries.push(e));
  return { ...report, keys: entries.map((e) => e.key) };
}

function logWith(count: number, bufferBytes = 64 * 1024): { fs: FaultyFileSystem; log: CommitLog } {
  const fs = new FaultyFileSystem();
  const log = new CommitLog(fs, 1, bufferBytes);
  for (let i = 1; i <= count; i++) log.append(entry(i), encodeKey(`key-${i}`));
  return { fs, log };
}

describe('commit log', () => {
  it('replays every record after a sync, deletes included', () => {
    const { fs, log } = logWith(3);
    log.append(
      {
        key: 'key-1',
        keyBytes: encodeKey('key-1'),
        seq: 4,
        kind: EntryKind.Delete,
        value: new Uint8Array(0),
        deletedAt: 77,
      },
      encodeKey('key-1'),
    );
    log.sync();
    const entries: Entry[] = [];
    const report = replayLog(fs, logFileName(1), (e) => entries.push(e));
    expect(report).toMatchObject({ records: 4, truncatedBytes: 0, maxSeq: 4 });
    expect(entries[3]).toMatchObject({ key: 'key-1', kind: EntryKind.Delete, deletedAt: 77 });
    expect(new TextDecoder().decode(entries[0]?.value)).toBe('value-1');
  });

  it('group commit: records appended after the last sync are lost by a power loss, earlier ones are not', () => {
    const { fs, log } = logWith(5);
    log.sync();
    for (let i = 6; i <= 8; i++) log.append(entry(i), encodeKey(`key-${i}`));
    log.writeOut();
    fs.crash('power', 'drop');
    expect(replayed(fs).keys).toEqual(['key-1', 'key-2', 'key-3', 'key-4', 'key-5']);
  });

  it('a torn tail is truncated, and the log keeps working after it', () => {
    const { fs, log } = logWith(5);
    log.sync();
    for (let i = 6; i <= 8; i++) log.append(entry(i), encodeKey(`key-${i}`)); // one write of 3 records: torn mid-record
    log.writeOut();
    fs.crash('power', 'tear');
    const first = replayed(fs);
    expect(first.keys.slice(0, 5)).toEqual(['key-1', 'key-2', 'key-3', 'key-4', 'key-5']);
    expect(first.truncatedBytes).toBeGreaterThan(0);
    const again = new CommitLog(fs, 1);
    again.append(entry(9), encodeKey('key-9'));
    again.sync();
    expect(replayed(fs).keys).toEqual([...first.keys, 'key-9']);
  });

  it('a damaged record followed by good ones is KV_CORRUPTION naming the file and offset', () => {
    const { fs, log } = logWith(5);
    log.sync();
    fs.flipBit(logFileName(1), 20);
    expect(() => replayed(fs)).toThrow(/KV_CORRUPTION: log 000001.log in faulty: the record at offset 0/);
  });

  it('a flipped bit in a record length that runs past the end is KV_CORRUPTION, not a torn tail', () => {
    // Read as a tear, the rot would have dropped every record after the first, acknowledged or not.
    for (const bit of [3, 6]) {
      const { fs, log } = logWith(5);
      log.sync();
      fs.flipBit(logFileName(1), 4 + 2, bit); // the first record's length field, third byte
      expect(() => replayed(fs)).toThrow(
        /KV_CORRUPTION: log 000001.log in faulty: the record at offset 0 has a damaged length/,
      );
    }
    // A real tear (the last write cut short) is still a tear.
    const { fs, log } = logWith(5);
    log.sync();
    for (let i = 6; i <= 8; i++) log.append(entry(i), encodeKey(`key-${i}`));
    log.writeOut();
    fs.crash('power', 'tear');
    expect(replayed(fs).keys.slice(0, 5)).toEqual(['key-1', 'key-2', 'key-3', 'key-4', 'key-5']);
  });

  it('a damaged last record is dropped as a torn tail, never returned', () => {
    const { fs, log } = logWith(3);
    log.sync();
    const handle = fs.open(logFileName(1));
    const size = handle.size();
    handle.close();
    fs.flipBit(logFileName(1), size - 2);
    expect(replayed(fs).keys).toEqual(['key-1', 'key-2']);
  });

  it('writes out its buffer when it fills, before taking the record that would overflow it', () => {
    const { fs, log } = logWith(0, 100);
    const reports = [1, 2, 3, 4, 5].map((i) => log.append(entry(i), encodeKey(`key-${i}`)));
    expect(reports.some((r) => r !== null)).toBe(true);
    expect(log.bytes).toBeGreaterThan(log.syncedBytes);
    fs.crash('process');
    expect(replayed(fs).records).toBeGreaterThan(0);
  });
});
