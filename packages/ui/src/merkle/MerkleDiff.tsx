/**
 * The Merkle diff (SPEC §2): one anti-entropy exchange between two replicas of a key range, drawn as
 * the tree the comparison walked. One row per depth (root at the top, depth d has 2^d cells, each
 * node right above its two children); the row's label says which replica compared it and how many
 * of the compared nodes differed. Cells:
 *
 *   ≠ orange, hatched   the two replicas' digests differed here: the comparison descends into it
 *   = white             compared and equal: nothing below it is ever sent
 *   grey                never compared (its parent was equal, or the exchange stopped above)
 *   ? white             compared, but the event named only its first differing nodes
 *
 * so a student sees the comparison descend only into the differing branches. Below the tree, the
 * traffic: this exchange's bytes and messages beside what sending every key's digest would have
 * cost for the same range (an estimate from the key count), and the keys repaired in each direction.
 *
 * Props:
 *   exchange    the exchange (merkleModel.ts), folded by the page from `antientropy.*` events
 *   rangeKeys   keys the replicas hold in the range (the larger side's count), or null if unknown
 *   keyBytes    the average key length assumed for the estimate
 *   width       drawing width in px (default 420); the SVG scales to its box
 */

import { scaleLinear } from 'd3';
import { useId } from 'react';
import { formatCount, formatMs, formatPercent, formatSize, plural, svgId } from '../shared/format.ts';
import {
  type CellVerdict,
  deeperDiffering,
  digestBytesPerKey,
  fullDigestListBytes,
  levelNodesNamedMax,
  type MerkleExchangeView,
  type MerkleRow,
  merkleDrawnDepths,
  rangeLabel,
  rangeShare,
  repairDirections,
  trafficSplit,
  treeRows,
  truncatedLevels,
} from './merkleModel.ts';

export interface MerkleDiffProps {
  exchange: MerkleExchangeView;
  rangeKeys: number | null;
  keyBytes: number;
  width?: number;
}

const rowHeight = 30;
const labelWidth = 104;
const ink = '#1f2328';
const muted = '#57606a';

const look: Record<CellVerdict, { fill: string; stroke: string; mark: string }> = {
  differing: { fill: '#f0883e', stroke: '#9a3412', mark: '≠' },
  equal: { fill: '#ffffff', stroke: '#57606a', mark: '=' },
  'not compared': { fill: '#d0d7de', stroke: '#d0d7de', mark: '' },
  unknown: { fill: '#ffffff', stroke: '#57606a', mark: '?' },
};

export function MerkleDiff({ exchange, rangeKeys, keyBytes, width = 420 }: MerkleDiffProps) {
  const hatchId = svgId(useId(), 'merkle-hatch');
  const rows = treeRows(exchange.levels);
  const treeWidth = width - labelWidth - 4;
  const height = rows.length * rowHeight + 4;
  const deeper = deeperDiffering(exchange.levels);
  const truncated = truncatedLevels(exchange.levels);
  return (
    <figure className="merkle-diff" data-testid="merkle-diff" style={{ margin: 0 }}>
      <figcaption style={{ color: ink }}>
        <strong>
          {exchange.initiator} ↔ {exchange.peer}
        </strong>{' '}
        · keys on {rangeLabel(exchange.range)} ({formatPercent(rangeShare(exchange.range))})
        {exchange.trigger ? ` · ${exchange.trigger}` : ''} ·{' '}
        <span data-testid="merkle-outcome">{exchange.done ? exchange.done.outcome : 'running…'}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={`Merkle tree comparison of ${exchange.initiator} and ${exchange.peer}: ${describeLevels(exchange)}`}
      >
        <defs>
          <pattern
            id={hatchId}
            width="5"
            height="5"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="5" height="5" fill={look.differing.fill} />
            <line x1="0" y1="0" x2="0" y2="5" stroke={look.differing.stroke} strokeWidth="1.6" />
          </pattern>
        </defs>
        {rows.map((row) => (
          <TreeRow key={row.depth} row={row} treeWidth={treeWidth} hatchId={hatchId} />
        ))}
      </svg>
      <Legend />
      {deeper ? (
        <p className="small" data-testid="merkle-deeper" style={{ margin: '2px 0' }}>
          + {formatCount(deeper.nodes)} differing node{deeper.nodes === 1 ? '' : 's'} below depth{' '}
          {merkleDrawnDepths - 1} (the comparison went down to depth {deeper.deepest}).
        </p>
      ) : null}
      {truncated.length > 0 ? (
        <p className="small" data-testid="merkle-truncated" style={{ margin: '2px 0', color: muted }}>
          At depth {truncated.join(', ')} the event names only the first {levelNodesNamedMax} differing nodes
          (the count is exact); cells it does not name are drawn as unknown.
        </p>
      ) : null}
      <Traffic exchange={exchange} rangeKeys={rangeKeys} keyBytes={keyBytes} />
    </figure>
  );
}

/** One depth of the tree: its label (who compared it, how many differed) and its 2^depth cells. */
function TreeRow({ row, treeWidth, hatchId }: { row: MerkleRow; treeWidth: number; hatchId: string }) {
  const y = 2 + row.depth * rowHeight;
  const cellWidth = treeWidth / 2 ** row.depth;
  return (
    <g
      data-testid={`merkle-row-${row.depth}`}
      data-compared={row.level ? 'yes' : 'no'}
      data-differing={row.level?.differing ?? 0}
    >
      <text x={0} y={y + 12} fontSize={11} fill={row.level ? ink : muted}>
        depth {row.depth}
        {row.level ? ` · by ${row.level.by}` : ''}
      </text>
      <text x={0} y={y + 25} fontSize={10} fill={muted}>
        {row.level ? `${row.level.differing} of ${row.level.compared} differ` : 'not compared'}
      </text>
      {row.cells.map((cell) => {
        const style = look[cell.verdict];
        const x = labelWidth + cell.index * cellWidth;
        return (
          <g key={cell.node} data-testid={`merkle-cell-${cell.node}`} data-verdict={cell.verdict}>
            <title>{`node ${cell.node} (depth ${cell.depth}): ${cell.verdict}`}</title>
            <rect
              x={x + 0.5}
              y={y + 2}
              width={Math.max(1, cellWidth - 1)}
              height={rowHeight - 6}
              fill={cell.verdict === 'differing' ? `url(#${hatchId})` : style.fill}
              stroke={style.stroke}
              strokeWidth={cell.verdict === 'differing' ? 1.5 : 0.75}
            />
            {style.mark && cellWidth >= 14 ? (
              <text
                x={x + cellWidth / 2}
                y={y + 19}
                fontSize={cellWidth >= 24 ? 13 : 10}
                fontWeight={700}
                textAnchor="middle"
                fill={ink}
                style={{ paintOrder: 'stroke' }}
                stroke="#ffffff"
                strokeWidth={cell.verdict === 'differing' ? 3 : 0}
              >
                {style.mark}
              </text>
            ) : null}
          </g>
        );
      })}
    </g>
  );
}

/** The tree in words, for screen readers: each compared depth, who compared it, how many differed. */
function describeLevels(exchange: MerkleExchangeView): string {
  if (exchange.levels.length === 0) return 'no depth compared yet';
  return exchange.levels
    .map((l) => `depth ${l.depth}, compared by ${l.by}: ${l.differing} of ${l.compared} differ`)
    .join('; ');
}

function Legend() {
  const items: [CellVerdict, string][] = [
    ['differing', 'differ (descend)'],
    ['equal', 'equal (stop)'],
    ['not compared', 'not compared'],
  ];
  return (
    <p className="small" style={{ margin: '2px 0', color: muted }} aria-hidden="true">
      {items.map(([verdict, text]) => (
        <span key={verdict} style={{ marginRight: 12, whiteSpace: 'nowrap' }}>
          <span
            style={{
              display: 'inline-block',
              width: 16,
              textAlign: 'center',
              fontWeight: 700,
              color: ink,
              background: verdict === 'differing' ? undefined : look[verdict].fill,
              backgroundImage:
                verdict === 'differing'
                  ? `repeating-linear-gradient(45deg, ${look.differing.fill} 0 3px, ${look.differing.stroke} 3px 4.5px)`
                  : undefined,
              border: `1px solid ${look[verdict].stroke}`,
              marginRight: 4,
            }}
          >
            {look[verdict].mark || '\u00a0'}
          </span>
          {text}
        </span>
      ))}
    </p>
  );
}

function Traffic({ exchange, rangeKeys, keyBytes }: Omit<MerkleDiffProps, 'width'>) {
  const done = exchange.done;
  const split = trafficSplit(exchange);
  const full = rangeKeys === null ? null : fullDigestListBytes(rangeKeys, keyBytes);
  const scale = scaleLinear()
    .domain([0, Math.max(1, split.total, (full ?? 0) + split.versions)])
    .range([0, 100]);
  const versions: Segment = { bytes: split.versions, colour: '#9cd1ff', name: 'versions' };
  const directions = repairDirections(exchange.repairs);
  return (
    <div className="merkle-traffic" data-testid="merkle-traffic">
      <Bar
        testId="merkle-bytes"
        label="This exchange"
        scale={scale}
        segments={[{ bytes: split.comparing, colour: '#0969da', name: 'comparing' }, versions]}
        text={
          done
            ? `${formatSize(done.bytes)} in ${formatCount(done.messages)} message${done.messages === 1 ? '' : 's'}, ${formatMs(done.durationMs)}: ≈ ${formatSize(split.comparing)} comparing trees + ${formatSize(split.versions)} versions`
            : 'still running'
        }
      />
      <Bar
        testId="merkle-full-estimate"
        label="Sending every key's digest instead"
        scale={scale}
        segments={[{ bytes: full ?? 0, colour: '#6e7781', name: 'digest list' }, versions]}
        text={
          full === null
            ? 'key count not known yet (snapshot pending)'
            : `≈ ${formatSize(full)} of digests (estimate: ${plural(rangeKeys ?? 0, 'key')} × (${Math.round(keyBytes)} B key + ${digestBytesPerKey} B digest)) + the same versions`
        }
      />
      <p className="small" style={{ margin: '4px 0' }} data-testid="merkle-keys-repaired">
        Keys repaired: <strong>{formatCount(done?.keysRepaired ?? 0)}</strong>
        {rangeKeys === null
          ? ' (versions sent)'
          : ` of ${formatCount(rangeKeys)} in the range (versions sent)`}
        {directions.length > 0
          ? ` · ${directions
              .map(
                (d) =>
                  `${d.node} ← ${d.from}: ${formatCount(d.keys)} changed, ${formatSize(d.bytes)} received`,
              )
              .join('; ')}`
          : ''}
      </p>
    </div>
  );
}

interface Segment {
  bytes: number;
  colour: string;
  name: string;
}

function Bar({
  testId,
  label,
  scale,
  segments,
  text,
}: {
  testId: string;
  label: string;
  scale: (bytes: number) => number;
  segments: Segment[];
  text: string;
}) {
  return (
    <div data-testid={testId} style={{ margin: '4px 0' }}>
      <div className="small">
        <strong>{label}</strong>: {text}
      </div>
      <div style={{ display: 'flex', background: '#f6f8fa', border: '1px solid #d0d7de', height: 10 }}>
        {segments.map((seg) => (
          <div
            key={seg.name}
            title={`${seg.name}: ${formatSize(seg.bytes)}`}
            style={{ width: `${scale(seg.bytes)}%`, height: '100%', background: seg.colour }}
          />
        ))}
      </div>
    </div>
  );
}
