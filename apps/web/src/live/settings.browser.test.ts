/**
 * The lab's cluster settings: modes checked like numbers (a saved or asked-for setting the engine
 * does not know is refused in a sentence, and a saved one falls back to the defaults), the memtable
 * sizes offered, and the quorum note saying what R, W and the quorum mode promise together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClusterSettings,
  defaultSettings,
  loadSettings,
  quorumNote,
  saveSettings,
  settingsProblem,
} from './settings.ts';

afterEach(() => localStorage.removeItem('kvscope.settings'));

describe('cluster settings', () => {
  it('refuses a quorum, conflict, detector or read-repair mode the engine does not know, in a sentence', () => {
    const odd = (patch: Record<string, string>) =>
      settingsProblem({ ...defaultSettings, ...patch } as ClusterSettings);
    expect(odd({ quorum: 'loose' })).toBe('Quorums are sloppy or strict (got loose).');
    expect(odd({ conflictMode: 'merge' })).toBe('Conflicts are kept as siblings or lww (got merge).');
    expect(odd({ readRepair: 'never' })).toBe('Read repair runs before-reply or after-reply (got never).');
    expect(odd({ detector: 'oracle' })).toBe(
      'The failure detector is one of gossip, local, phi (got oracle).',
    );
    expect(settingsProblem({ ...defaultSettings, detector: 'phi' })).toBeNull();
    expect(settingsProblem({ ...defaultSettings, quorum: 'strict' })).toBeNull();
  });

  it('offers three memtable sizes, the real one by default, and refuses any other', () => {
    expect(defaultSettings.memtableBytes).toBe(4 * 1024 * 1024);
    expect(settingsProblem({ ...defaultSettings, memtableBytes: 4_096 })).toBeNull();
    expect(settingsProblem({ ...defaultSettings, memtableBytes: 1_000 })).toBe(
      'The memtable holds 4 KiB, 64 KiB, 4 MiB (got 1000 bytes).',
    );
    // Settings saved before the memtable size existed open with the real size.
    const { memtableBytes: _, ...older } = defaultSettings;
    localStorage.setItem('kvscope.settings', JSON.stringify({ ...older, r: 3 }));
    expect(loadSettings()).toMatchObject({ memtableBytes: 4 * 1024 * 1024, r: 3 });
  });

  it('reopens saved strict quorums, and falls back to the defaults for a saved mode it does not know', () => {
    saveSettings({ ...defaultSettings, quorum: 'strict', r: 3 });
    expect(loadSettings()).toMatchObject({ quorum: 'strict', r: 3 });
    localStorage.setItem('kvscope.settings', JSON.stringify({ ...defaultSettings, quorum: 'loose', r: 3 }));
    expect(loadSettings()).toEqual(defaultSettings);
    // Settings saved before the quorum mode existed open with sloppy quorums.
    const { quorum: _, ...older } = defaultSettings;
    localStorage.setItem('kvscope.settings', JSON.stringify({ ...older, w: 3 }));
    expect(loadSettings()).toMatchObject({ quorum: 'sloppy', w: 3 });
  });

  it('says what the quorum mode adds to R+W>N, and that R+W≤N may read stale either way', () => {
    expect(quorumNote(defaultSettings)).toMatch(/^R\+W=4 > N=3: .*stand-ins.*hints/);
    expect(quorumNote({ ...defaultSettings, quorum: 'strict' })).toMatch(
      /^R\+W=4 > N=3, strict: only the key's N/,
    );
    for (const quorum of ['sloppy', 'strict'] as const)
      expect(quorumNote({ ...defaultSettings, quorum, r: 1, w: 1 })).toMatch(/stale reads are possible/);
  });
});
