/**
 * The consistent-hash ring (SPEC 1.2–1.3, §2 "the hash ring"), drawn with d3-shape arcs:
 *
 *   - every token as a mark on the circle in its node's colour *and* shape (shared/nodeStyle), with
 *     the node id on hover (<title>) and written beside each token of the selected node;
 *   - a band inside the circle showing which node owns each arc as primary;
 *   - keys as dots at their positions; the selected key's preference list (badges 1…N at the first
 *     token of each distinct node, clockwise) and its fallbacks (hollow, dashed: F1, F2 …);
 *   - with `previousRing`, the ranges whose preference lists differ (engine `rangeMoves`) hatched
 *     outside the circle in the colour of the node that receives them, with "to n6 from n2, n4" in
 *     the centre; entering tokens fly in and leaving ones drift out as hollow ghosts, and the moved
 *     ranges sweep open (d3 transitions, ringTransition.ts; none under `prefers-reduced-motion` or
 *     `reducedMotion`);
 *   - an "under-replicated" notice when N exceeds the number of nodes.
 *
 * Props:
 *   ring            the current ring (engine `buildRing`)
 *   n               replicas per key (N)
 *   keys            keys to mark (drawn up to `keysMax`, clockwise from position 0)
 *   selectedKey     key whose preference list is drawn (linked selection; need not be in `keys`)
 *   selectedNode    node whose tokens are emphasised and labelled (linked selection)
 *   previousRing    the ring before the last membership change, to show moves (omit to hide them)
 *   unavailable     nodes known to be down/crashed: their badges are crossed out (seam for gossip)
 *   onSelectKey     called with a key on click, or on ←/→ while the key group has focus
 *   onSelectNode    called with a node id from the legend buttons or a token click
 *   reducedMotion   force no animation (the page may know better than the media query)
 *   size            square size in px of the drawing (default 560); the SVG scales to its box
 *   keysMax         most keys drawn (default 400)
 */

import {
  keyPosition,
  movedFraction,
  ownership,
  type Placement,
  type Ring,
  rangeMoves,
} from '@kvscope/engine';
import { arc as d3Arc } from 'd3';
import { useId, useMemo, useRef } from 'react';
import { Shape } from '../cluster/Shape.tsx';
import { svgId } from '../shared/format.ts';
import { nodeStyles, styleOf } from '../shared/nodeStyle.ts';
import { PreferenceMarks } from './PreferenceMarks.tsx';
import { movedFill, movedStroke, RingLegend } from './RingLegend.tsx';
import { CentreText, KeyMarks } from './RingParts.tsx';
import {
  angleOf,
  formatShare,
  keysClockwise,
  movedArcs,
  ownedArcs,
  pointAt,
  preferenceWalk,
  tokenChanges,
} from './ringGeometry.ts';
import { ringCss } from './ringStyles.ts';
import { useRingTransition } from './ringTransition.ts';

export interface RingViewProps {
  ring: Ring;
  n: number;
  /** Where replicas live when it is not a plain N (N per data centre): the badges follow it. */
  placement?: Placement;
  keys?: readonly string[];
  selectedKey?: string | null;
  selectedNode?: string | null;
  previousRing?: Ring | null;
  unavailable?: readonly string[];
  onSelectKey?: (key: string) => void;
  onSelectNode?: (id: string) => void;
  reducedMotion?: boolean;
  size?: number;
  keysMax?: number;
}

const ink = '#1f2328';
const muted = '#57606a';

export function RingView(props: RingViewProps) {
  const { ring, n, keys = [], selectedKey, selectedNode, previousRing, onSelectKey, onSelectNode } = props;
  const size = props.size ?? 560;
  const animate = !props.reducedMotion;
  const reactId = useId();
  const titleId = svgId(reactId, 'ring-title');
  const hatchId = svgId(reactId, 'moved-hatch');
  const c = size / 2;
  const radius = size / 2 - 78;
  const styles = useMemo(
    () => nodeStyles([...ring.nodes, ...(previousRing?.nodes ?? [])].map((x) => x.id)),
    [ring, previousRing],
  );
  const arcs = useMemo(() => ownedArcs(ring), [ring]);
  const moves = useMemo(
    () => (previousRing ? rangeMoves(previousRing, ring, n) : []),
    [previousRing, ring, n],
  );
  const tokens = useMemo(() => tokenChanges(ring, previousRing), [ring, previousRing]);
  const shares = useMemo(() => ownership(ring, n), [ring, n]);
  const orderedKeys = useMemo(() => {
    const drawn = keysClockwise(keys).slice(0, props.keysMax ?? 400);
    return selectedKey && !drawn.some((k) => k.key === selectedKey)
      ? keysClockwise([...drawn.map((k) => k.key), selectedKey])
      : drawn;
  }, [keys, props.keysMax, selectedKey]);
  const walk = selectedKey ? preferenceWalk(ring, selectedKey, props.placement ?? n) : [];
  const unavailable = new Set(props.unavailable ?? []);
  const underReplicated = n > ring.nodes.length;
  const band = d3Arc<{ startAngle: number; endAngle: number }>();
  const dim = (node: string) => (selectedNode && selectedNode !== node ? 0.3 : 1);
  const svgRef = useRef<SVGSVGElement>(null);
  const movedBand = { inner: radius + 5, outer: radius + 17 };
  useRingTransition(svgRef, ring, previousRing, animate, movedBand);
  const receivers = [...new Set(moves.flatMap((m) => m.gained))];

  return (
    <figure style={{ margin: 0 }} data-testid="ring-view">
      <svg
        ref={svgRef}
        viewBox={`0 0 ${size} ${size}`}
        width="100%"
        style={{ maxWidth: size, display: 'block' }}
        aria-labelledby={titleId}
      >
        <title id={titleId}>{ringSummary(ring, n, moves.length)}</title>
        <style>{ringCss}</style>
        <defs>
          <pattern
            id={hatchId}
            width={7}
            height={7}
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width={7} height={7} fill={movedFill} />
            <line x1={0} y1={0} x2={0} y2={7} stroke={movedStroke} strokeWidth={2.5} />
          </pattern>
          {receivers.map((node) => (
            <pattern
              key={node}
              id={svgId(reactId, `moved-to-${node}`)}
              width={7}
              height={7}
              patternUnits="userSpaceOnUse"
              patternTransform="rotate(45)"
            >
              <rect width={7} height={7} fill={styleOf(styles, node).colour} />
              <line x1={0} y1={0} x2={0} y2={7} stroke={ink} strokeWidth={2} />
            </pattern>
          ))}
        </defs>
        <g transform={`translate(${c},${c})`}>
          <g data-testid="ownership">
            {arcs.map((a) => (
              <path
                key={a.tokenIndex}
                d={band.innerRadius(radius - 24).outerRadius(radius - 3)(a) ?? ''}
                fill={styleOf(styles, a.node).colour}
                fillOpacity={0.55 * dim(a.node)}
                stroke="#ffffff"
                strokeWidth={1}
              >
                <title>{`${a.node} is primary for this arc (${formatShare(a.fraction)} of the ring)`}</title>
              </path>
            ))}
          </g>
          <circle r={radius} fill="none" stroke={muted} strokeWidth={1.5} />
          <g data-testid="moved-ranges">
            {movedArcs(moves).map(({ move, ...span }) => (
              <path
                key={`${move.start}-${move.end}`}
                className={animate ? 'kv-moved' : undefined}
                d={band.innerRadius(movedBand.inner).outerRadius(movedBand.outer)(span) ?? ''}
                data-moved-start={span.startAngle}
                data-moved-end={span.endAngle}
                data-receiver={move.gained[0]}
                fill={`url(#${move.gained[0] ? svgId(reactId, `moved-to-${move.gained[0]}`) : hatchId})`}
                stroke={move.gained[0] ? ink : movedStroke}
                strokeWidth={1}
              >
                <title>{`Moves (${formatShare(move.fraction)} of the ring): ${move.before.join(', ')} → ${move.after.join(', ')}${move.gained.length ? `; ${move.gained.join(', ')} receive it` : ''}${move.lost.length ? `; ${move.lost.join(', ')} hand it over` : ''}`}</title>
              </path>
            ))}
          </g>
          <g data-testid="tokens">
            {tokens.map((t) => {
              const style = styleOf(styles, t.node);
              const at = pointAt(angleOf(t.position), radius);
              const chosen = selectedNode === t.node;
              const label = pointAt(angleOf(t.position), radius - 44);
              return (
                // biome-ignore lint/a11y/noStaticElementInteractions: tokens are a pointer shortcut; the legend's buttons are the keyboard path to the same action.
                <g
                  key={t.id}
                  data-token={t.id}
                  data-change={t.change}
                  opacity={t.change === 'leaves' ? 0.6 : dim(t.node)}
                  onClick={() => onSelectNode?.(t.node)}
                  style={{ cursor: onSelectNode ? 'pointer' : undefined }}
                >
                  <title>{`${t.node} token #${t.index} at ${t.position.toLocaleString('en-US')}${t.change === 'enters' ? ' (new)' : t.change === 'leaves' ? ' (leaving)' : ''}`}</title>
                  <Shape
                    shape={style.shape}
                    at={at}
                    size={chosen ? 8 : 6}
                    colour={style.colour}
                    stroke={ink}
                    strokeWidth={chosen ? 1.5 : 1}
                    hollow={t.change === 'leaves'}
                  />
                  {chosen && (
                    <text
                      x={label.x}
                      y={label.y + 4}
                      textAnchor="middle"
                      fontSize={12}
                      fontWeight={700}
                      fill={ink}
                    >
                      {t.node}
                    </text>
                  )}
                </g>
              );
            })}
          </g>
          <KeyMarks
            keys={orderedKeys}
            total={new Set(keys).size}
            radius={radius - 32}
            selectedKey={selectedKey}
            onSelectKey={onSelectKey}
          />
          {selectedKey && (
            <PreferenceMarks
              walk={walk}
              keyAngle={angleOf(keyPosition(selectedKey))}
              cx={0}
              cy={0}
              radius={radius + 28}
              styles={styles}
              unavailable={unavailable}
            />
          )}
          <CentreText
            ring={ring}
            n={n}
            placement={props.placement}
            selectedKey={selectedKey}
            selectedNode={selectedNode}
            shares={shares}
            movedShare={movedFraction(moves)}
            moveCount={moves.length}
            moveSummary={moveSummary(moves)}
          />
        </g>
      </svg>
      <figcaption>
        {underReplicated && (
          <p role="status" data-testid="under-replicated" style={noticeStyle}>
            ⚠ Under-replicated: N = {n} but the ring has only {ring.nodes.length} node
            {ring.nodes.length === 1 ? '' : 's'}, so every node holds a copy of every key and a key has{' '}
            {ring.nodes.length} replica{ring.nodes.length === 1 ? '' : 's'}, not {n}.
          </p>
        )}
        <RingLegend
          nodes={shares.map((s) => ({ id: s.node, tokens: s.tokenCount, primary: s.primary }))}
          styles={styles}
          selectedNode={selectedNode}
          onSelectNode={onSelectNode}
          showMoves={moves.length > 0}
        />
      </figcaption>
    </figure>
  );
}

const noticeStyle = {
  margin: '4px 0 8px',
  padding: '6px 10px',
  background: '#fff8c5',
  border: '1px solid #9a6700',
  borderRadius: 6,
  fontSize: 15,
} as const;

/** Who receives the moved ranges and who gives them up: "to n6 from n1, n3, n5". */
function moveSummary(moves: ReturnType<typeof rangeMoves>): string | null {
  const to = [...new Set(moves.flatMap((m) => m.gained))].sort();
  const from = [...new Set(moves.flatMap((m) => m.lost))].sort();
  if (to.length === 0) return null;
  return `to ${to.join(', ')}${from.length ? ` from ${from.join(', ')}` : ''}`;
}

function ringSummary(ring: Ring, n: number, moves: number): string {
  return `Hash ring: ${ring.nodes.length} nodes, ${ring.tokens.length} tokens, N = ${n}${moves ? `, ${moves} ranges move` : ''}`;
}
