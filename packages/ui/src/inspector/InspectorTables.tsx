/**
 * The inspector's tables: SSTables by level (key range, size, entries, tombstones, compression and
 * the Bloom filter's counts, measured false-positive rate against its target and a verdict in
 * words), then — when given — the membership view and the hint store. Props: `storage`
 * (StorageSnapshot), `membership`, `hints` (see inspectorModel).
 */

import type { StorageSnapshot } from '@kvscope/engine';
import { formatCount, formatMs, formatPercent, formatSize, plural } from '../shared/format.ts';
import {
  type BloomStatus,
  bloomTotals,
  bloomVerdict,
  type HintSummary,
  levelSummaries,
  type MembershipRow,
} from './inspectorModel.ts';
import { ColumnHeads, cellStyle, numStyle, Section, scrollStyle, tableStyle } from './parts.tsx';

const verdictMark: Record<BloomStatus, string> = {
  'no checks yet': '–',
  'too few checks': '…',
  'within target': '✓',
  'above target': '⚠',
};

const statusMark: Record<string, string> = { alive: '● alive', suspected: '◐ suspected', down: '○ down' };

/** φ to one decimal; past 99 (the odds of a live member staying this silent are nil) as "> 99". */
function formatPhi(phi: number): string {
  return phi > 99 ? '> 99' : phi.toFixed(1);
}

export function InspectorTables({
  storage,
  membership,
  hints,
}: {
  storage: StorageSnapshot;
  membership?: readonly MembershipRow[] | undefined;
  hints?: readonly HintSummary[] | undefined;
}) {
  const levels = levelSummaries(storage);
  const totals = bloomTotals(storage);
  // A phi-accrual detector convicts on its own φ, not on reports: show φ in their place.
  const withPhi = membership?.some((m) => m.phi !== undefined) ?? false;
  return (
    <>
      <Section
        title={`SSTables: ${formatCount(levels.reduce((n, l) => n + l.tables, 0))} in ${levels.length} level${levels.length === 1 ? '' : 's'}`}
      >
        {levels.length === 0 ? (
          <p style={{ margin: '4px 0', color: '#57606a' }} data-testid="inspector-tables">
            No tables yet: everything is still in the memtable and the commit log.
          </p>
        ) : (
          // Eleven columns are wider than the panel: the table keeps each row on one line and scrolls
          // sideways inside it.
          <section style={scrollStyle} aria-label="SSTables table">
            <table style={{ ...tableStyle, whiteSpace: 'nowrap' }} data-testid="inspector-tables">
              <ColumnHeads
                names={[
                  'level',
                  'table',
                  'keys',
                  'size',
                  'entries',
                  'tombstones',
                  'compression',
                  'Bloom: absent checks',
                  'true +',
                  'false +',
                  'FP rate (target)',
                ]}
              />
              <tbody>
                {storage.levels.flatMap((level) =>
                  level.tables.map((t) => {
                    const v = bloomVerdict(t.filter);
                    return (
                      <tr key={t.id} data-table={t.file}>
                        <td style={cellStyle}>L{t.level}</td>
                        <td style={cellStyle}>{t.file.replace(/\.sst$/, '')}</td>
                        <td style={cellStyle}>
                          {t.smallest} … {t.largest}
                        </td>
                        <td style={numStyle}>{formatSize(t.bytes)}</td>
                        <td style={numStyle}>{formatCount(t.entries)}</td>
                        <td style={numStyle}>{formatCount(t.tombstones)}</td>
                        <td style={numStyle}>{t.compressionRatio.toFixed(2)}×</td>
                        <td style={numStyle}>{formatCount(v.absentChecks)}</td>
                        <td style={numStyle}>{formatCount(t.filter.truePositives)}</td>
                        <td style={numStyle}>{formatCount(t.filter.falsePositives)}</td>
                        <td style={cellStyle} data-verdict={v.status}>
                          {verdictMark[v.status]} {v.measured === null ? 'n/a' : formatPercent(v.measured)} (
                          {formatPercent(v.target)}) · {v.status}
                        </td>
                      </tr>
                    );
                  }),
                )}
              </tbody>
              <tfoot>
                {levels.map((l) => (
                  <tr key={l.level} style={{ color: '#57606a' }}>
                    <th scope="row" style={cellStyle}>
                      L{l.level} total
                    </th>
                    <td style={cellStyle}>{plural(l.tables, 'table')}</td>
                    <td style={cellStyle}>{l.smallest === null ? '' : `${l.smallest} … ${l.largest}`}</td>
                    <td style={numStyle}>{formatSize(l.bytes)}</td>
                    <td style={numStyle}>{formatCount(l.entries)}</td>
                    <td colSpan={6} style={cellStyle} />
                  </tr>
                ))}
                <tr>
                  <th scope="row" colSpan={7} style={cellStyle}>
                    All Bloom filters
                  </th>
                  <td style={numStyle}>{formatCount(totals.verdict.absentChecks)}</td>
                  <td style={numStyle}>{formatCount(totals.truePositives)}</td>
                  <td style={numStyle}>{formatCount(totals.falsePositives)}</td>
                  <td style={cellStyle} data-testid="inspector-bloom-total">
                    {verdictMark[totals.verdict.status]}{' '}
                    {totals.verdict.measured === null ? 'n/a' : formatPercent(totals.verdict.measured)} ·{' '}
                    {totals.verdict.status}
                  </td>
                </tr>
              </tfoot>
            </table>
          </section>
        )}
      </Section>
      {membership && (
        <Section title="Membership (this node's view)">
          <table style={tableStyle} data-testid="inspector-membership">
            <ColumnHeads
              names={['member', 'status', 'heartbeat', 'silent for', withPhi ? 'φ' : 'suspected by']}
            />
            <tbody>
              {membership.map((m) => (
                <tr key={m.member}>
                  <td style={cellStyle}>{m.member}</td>
                  <td style={cellStyle}>{statusMark[m.status] ?? m.status}</td>
                  <td style={numStyle}>{m.heartbeat === undefined ? '' : formatCount(m.heartbeat)}</td>
                  <td style={numStyle}>{m.silentForMs === undefined ? '' : formatMs(m.silentForMs)}</td>
                  {withPhi ? (
                    <td style={numStyle}>{m.phi === undefined ? '' : formatPhi(m.phi)}</td>
                  ) : (
                    <td style={cellStyle}>{m.suspectedBy?.join(', ') ?? ''}</td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      {hints && (
        <Section title={`Hint store: ${formatCount(hints.reduce((n, h) => n + h.count, 0))} hints`}>
          <table style={tableStyle} data-testid="inspector-hints">
            <ColumnHeads names={['for owner', 'hints', 'size', 'oldest', 'replay']} />
            <tbody>
              {hints.map((h) => (
                <tr key={h.owner}>
                  <td style={cellStyle}>{h.owner}</td>
                  <td style={numStyle}>{formatCount(h.count)}</td>
                  <td style={numStyle}>{h.bytes === undefined ? '' : formatSize(h.bytes)}</td>
                  <td style={numStyle}>{h.oldestMs === undefined ? '' : formatMs(h.oldestMs)}</td>
                  <td style={cellStyle}>{h.replaying ? '↻ replaying' : 'waiting for owner'}</td>
                </tr>
              ))}
              {hints.length === 0 && (
                <tr>
                  <td colSpan={5} style={cellStyle}>
                    No hints held.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </Section>
      )}
    </>
  );
}
