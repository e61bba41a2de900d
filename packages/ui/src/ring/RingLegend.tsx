/**
 * The ring's legend: one button per node (its shape and colour, its id, its token count and its
 * share of the ring as primary), which selects the node with mouse or keyboard, and the key to the
 * other marks (keys, moved ranges, replica and fallback badges). Colour is never the only cue: each
 * node has its own shape and its id is written.
 *
 * Props: `nodes` (id, tokens, primary share 0…1), `styles`, `selectedNode`, `onSelectNode`,
 * `showMoves` (include the moved-range swatch).
 */

import { Shape } from '../cluster/Shape.tsx';
import type { NodeStyle } from '../shared/nodeStyle.ts';
import { styleOf } from '../shared/nodeStyle.ts';
import { formatShare } from './ringGeometry.ts';

/** The moved-range colours (the ring's hatch pattern uses the same). */
export const movedFill = '#F5C26B';
export const movedStroke = '#8a4b00';

export interface RingLegendNode {
  id: string;
  tokens: number;
  primary: number;
}

export interface RingLegendProps {
  nodes: readonly RingLegendNode[];
  styles: ReadonlyMap<string, NodeStyle>;
  selectedNode?: string | null;
  onSelectNode?: (id: string) => void;
  showMoves?: boolean;
}

const row = {
  display: 'flex',
  flexWrap: 'wrap',
  gap: '6px 10px',
  listStyle: 'none',
  padding: 0,
  margin: 0,
} as const;

export function RingLegend({ nodes, styles, selectedNode, onSelectNode, showMoves }: RingLegendProps) {
  return (
    <div style={{ fontSize: 'var(--ring-legend-font-size, 14px)' }}>
      <ul aria-label="Nodes on the ring" style={row}>
        {nodes.map((n) => {
          const style = styleOf(styles, n.id);
          const selected = selectedNode === n.id;
          return (
            <li key={n.id}>
              <button
                type="button"
                className="kv-focusable"
                aria-pressed={selected}
                data-testid={`ring-node-${n.id}`}
                onClick={() => onSelectNode?.(n.id)}
                title={`${n.id}: ${n.tokens} tokens, primary for ${formatShare(n.primary)} of the ring`}
                style={{
                  display: 'flex',
                  alignItems: 'center',
                  gap: 6,
                  padding: '3px 8px',
                  font: 'inherit',
                  background: selected ? '#ddf4ff' : '#ffffff',
                  border: `${selected ? 2 : 1}px solid ${selected ? '#0969da' : '#d0d7de'}`,
                  borderRadius: 6,
                  cursor: onSelectNode ? 'pointer' : 'default',
                }}
              >
                <svg width={18} height={18} aria-hidden="true">
                  <Shape
                    shape={style.shape}
                    at={{ x: 9, y: 9 }}
                    size={6}
                    colour={style.colour}
                    stroke="#1f2328"
                  />
                </svg>
                <strong>{n.id}</strong>
                <span style={{ color: '#57606a' }}>
                  {n.tokens} tok · {formatShare(n.primary)}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <ul aria-label="Marks" style={{ ...row, marginTop: 6, color: '#57606a' }}>
        <li>
          <svg width={14} height={14} aria-hidden="true">
            <circle cx={7} cy={7} r={3.5} fill="#57606a" />
          </svg>{' '}
          key
        </li>
        <li>
          <svg width={20} height={20} aria-hidden="true">
            <circle cx={10} cy={10} r={9} fill="#1f2328" />
            <text x={10} y={14} textAnchor="middle" fontSize={11} fill="#fff" fontWeight={700}>
              1
            </text>
          </svg>{' '}
          replica (preference-list order)
        </li>
        <li>
          <svg width={20} height={20} aria-hidden="true">
            <circle cx={10} cy={10} r={9} fill="#fff" stroke="#1f2328" strokeDasharray="3 2" />
            <text x={10} y={13} textAnchor="middle" fontSize={9} fontWeight={700}>
              F1
            </text>
          </svg>{' '}
          fallback
        </li>
        {showMoves && (
          <li>
            <svg width={22} height={14} aria-hidden="true">
              <rect width={22} height={14} fill={movedFill} stroke={movedStroke} />
              <path d="M0,14L8,0M7,14L15,0M14,14L22,0" stroke={movedStroke} strokeWidth={1.5} />
            </svg>{' '}
            range that moves, in its receiver's colour
          </li>
        )}
      </ul>
    </div>
  );
}
