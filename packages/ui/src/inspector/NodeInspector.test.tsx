import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../fixtures/sampleData.ts';
import { NodeInspector } from './NodeInspector.tsx';

describe('NodeInspector', () => {
  it('shows every table with its key range and Bloom verdict, and the recovery after a restart', () => {
    const html = renderToStaticMarkup(<NodeInspector snapshot={sampleSnapshot} status="up" recovered />);
    expect(html).toContain('data-table="000013.sst"');
    expect(html).toContain('k0 … k49');
    expect(html).toContain('data-verdict="within target"');
    expect(html).toContain('data-verdict="no checks yet"');
    expect(html).toContain('Replayed 517 records from 1 commit log; truncated 37 B of torn tail.');
    expect(html).toContain('hit rate 88%');
    expect(html).toContain('3.24×');
    expect(html).not.toContain('data-testid="inspector-membership"');
  });

  it('counts one of a thing in the singular', () => {
    const html = renderToStaticMarkup(<NodeInspector snapshot={{ ...sampleSnapshot, inFlight: 1 }} />);
    expect(html).toContain('1 request in flight');
    expect(html).toMatch(/L0 total<\/th><td[^>]*>1 table<\/td>/);
    expect(html).toMatch(/L1 total<\/th><td[^>]*>2 tables<\/td>/);
  });

  it('shows the membership view and the hint store when the page passes them', () => {
    const html = renderToStaticMarkup(
      <NodeInspector
        snapshot={sampleSnapshot}
        membership={[
          { member: 'n3', status: 'suspected', heartbeat: 41, silentForMs: 3_200, suspectedBy: ['n4', 'n1'] },
        ]}
        hints={[{ owner: 'n2', count: 12, bytes: 2_048, oldestMs: 5_000 }]}
      />,
    );
    expect(html).toContain('◐ suspected');
    expect(html).toContain('n4, n1');
    expect(html).toContain('Hint store: 12 hints');
    expect(html).not.toContain('>φ<');
  });

  it('says what a leaving node still waits for before it leaves', () => {
    const leaving = (forwardsUnackedTo: string[], waiting = 0) =>
      renderToStaticMarkup(
        <NodeInspector
          snapshot={{
            ...sampleSnapshot,
            rebalance: { phase: 'decommissioning', waiting, forwardsUnackedTo },
          }}
          hints={[{ owner: 'n2', count: 3 }]}
        />,
      );
    expect(leaving(['n6'], 2)).toContain(
      'Still waiting for: 2 range streams to finish; 3 hints to deliver; writes forwarded to n6 to be acknowledged.',
    );
    expect(renderToStaticMarkup(<NodeInspector snapshot={sampleSnapshot} />)).not.toContain('Leaving:');
  });

  it('shows the phi-accrual detector’s φ in place of the reporters', () => {
    const html = renderToStaticMarkup(
      <NodeInspector
        snapshot={sampleSnapshot}
        membership={[
          { member: 'n2', status: 'alive', heartbeat: 50, silentForMs: 900, suspectedBy: [], phi: 0.42 },
          { member: 'n3', status: 'down', heartbeat: 41, silentForMs: 9_000, suspectedBy: [], phi: 1e6 },
        ]}
      />,
    );
    expect(html).toContain('>φ<');
    expect(html).not.toContain('suspected by');
    expect(html).toContain('>0.4<');
    expect(html).toContain('&gt; 99');
  });

  it('offers a flush and a compaction when the page passes them, each off when there is nothing to do', () => {
    const html = renderToStaticMarkup(
      <NodeInspector snapshot={sampleSnapshot} onFlush={() => {}} onCompact={() => {}} />,
    );
    expect(html).toContain('Flush to a table now');
    expect(html).toContain('Compact all tables now');
    const empty = {
      ...sampleSnapshot,
      storage: {
        ...sampleSnapshot.storage,
        memtable: { ...sampleSnapshot.storage.memtable, entries: 0 },
        levels: [],
      },
    };
    const idle = renderToStaticMarkup(
      <NodeInspector snapshot={empty} onFlush={() => {}} onCompact={() => {}} />,
    );
    expect(idle).toMatch(/<button[^>]*disabled=""[^>]*data-testid="inspector-flush"/);
    expect(idle).toMatch(/<button[^>]*disabled=""[^>]*data-testid="inspector-compact"/);
    expect(renderToStaticMarkup(<NodeInspector snapshot={sampleSnapshot} />)).not.toContain(
      'Flush to a table',
    );
  });
});
