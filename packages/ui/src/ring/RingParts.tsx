/**
 * Two parts of the ring view, kept apart to keep RingView readable:
 *
 * `KeyMarks` — keys as dots just inside the circle at their ring positions. The group is one tab
 * stop: with focus, ←/→ (or ↑/↓) select the previous/next key clockwise, Home the first; a click
 * selects a key. Props: `keys` (clockwise, from `keysClockwise`), `total` (all keys, for the "shown
 * of" note), `radius`, `selectedKey`, `onSelectKey`.
 *
 * `CentreText` — the words in the middle of the ring: the ring's size; or the selected key with its
 * preference list and fallbacks in writing; or the selected node's tokens and shares; and how much
 * of the ring moves after a membership change, and to whom. Props: `ring`, `n`, `selectedKey`,
 * `selectedNode`, `shares` (engine `ownership`), `movedShare` (0…1), `moveCount`, `moveSummary`.
 */

import {
  type NodeOwnership,
  type Placement,
  type Ring,
  type RingPosition,
  replicasFor,
} from '@kvscope/engine';
import type { KeyboardEvent } from 'react';
import { angleOf, formatShare, pointAt, stepKey } from './ringGeometry.ts';

const ink = '#1f2328';
const muted = '#57606a';

export interface KeyMarksProps {
  keys: readonly { key: string; position: RingPosition }[];
  total: number;
  radius: number;
  selectedKey?: string | null;
  onSelectKey?: (key: string) => void;
}

export function KeyMarks({ keys, total, radius, selectedKey, onSelectKey }: KeyMarksProps) {
  const onKeyDown = (e: KeyboardEvent) => {
    const step =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? 1
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? -1
          : 0;
    const next = e.key === 'Home' ? (keys[0]?.key ?? null) : step ? stepKey(keys, selectedKey, step) : null;
    if (next === null) return;
    e.preventDefault();
    onSelectKey?.(next);
  };
  return (
    <g
      role="listbox"
      tabIndex={keys.length && onSelectKey ? 0 : -1}
      className="kv-focusable"
      aria-label={`Keys on the ring: ${keys.length}${keys.length < total ? ` of ${total}` : ''}. Arrow keys select the next key clockwise.`}
      aria-activedescendant={selectedKey ? `kv-key-${cssId(selectedKey)}` : undefined}
      onKeyDown={onKeyDown}
      data-testid="keys"
    >
      {keys.map(({ key, position }) => {
        const at = pointAt(angleOf(position), radius);
        const selected = key === selectedKey;
        return (
          <g
            key={key}
            id={`kv-key-${cssId(key)}`}
            role="option"
            aria-selected={selected}
            aria-label={`key ${key}`}
            onClick={() => onSelectKey?.(key)}
            style={{ cursor: onSelectKey ? 'pointer' : undefined }}
          >
            <title>{`key ${key} at ${position.toLocaleString('en-US')}`}</title>
            <circle
              cx={at.x}
              cy={at.y}
              r={selected ? 7 : 3.5}
              fill={selected ? ink : muted}
              stroke="#ffffff"
              strokeWidth={selected ? 2 : 0.5}
            />
          </g>
        );
      })}
    </g>
  );
}

/** An id-safe rendering of a key for `aria-activedescendant`. */
function cssId(key: string): string {
  return Array.from(key, (ch) =>
    /[A-Za-z0-9_-]/.test(ch) ? ch : `_${ch.codePointAt(0)?.toString(16)}`,
  ).join('');
}

export interface CentreTextProps {
  ring: Ring;
  n: number;
  placement?: Placement;
  selectedKey?: string | null;
  selectedNode?: string | null;
  shares: readonly NodeOwnership[];
  movedShare: number;
  moveCount: number;
  /** Who receives the moved ranges, from whom ("to n6 from n1, n3"). */
  moveSummary?: string | null;
}

export function CentreText({
  ring,
  n,
  placement,
  selectedKey,
  selectedNode,
  shares,
  movedShare,
  moveCount,
  moveSummary,
}: CentreTextProps) {
  const lines: { text: string; size: number; weight?: number; fill?: string }[] = [];
  if (selectedKey && ring.tokens.length) {
    const list = replicasFor(ring, selectedKey, placement ?? n);
    lines.push({ text: `key ${truncate(selectedKey, 18)}`, size: 18, weight: 700 });
    lines.push({ text: `replicas ${list.nodes.map((id, i) => `${i + 1}·${id}`).join('  ')}`, size: 15 });
    if (list.fallbacks.length)
      lines.push({ text: `fallbacks ${list.fallbacks.join(', ')}`, size: 14, fill: muted });
  } else if (selectedNode) {
    const share = shares.find((s) => s.node === selectedNode);
    lines.push({ text: `node ${selectedNode}`, size: 18, weight: 700 });
    if (share) {
      lines.push({ text: `${share.tokenCount} tokens`, size: 15 });
      lines.push({ text: `primary for ${formatShare(share.primary)}`, size: 14, fill: muted });
      lines.push({ text: `replica for ${formatShare(share.replica)}`, size: 14, fill: muted });
    } else {
      lines.push({ text: 'not on this ring', size: 14, fill: muted });
    }
  } else {
    lines.push({ text: `${ring.nodes.length} nodes · ${ring.tokens.length} tokens`, size: 17, weight: 700 });
    lines.push({ text: `N = ${n} replicas per key`, size: 15 });
  }
  if (moveCount > 0) {
    lines.push({
      text: `${moveCount} ranges move · ${formatShare(movedShare)}`,
      size: 14,
      fill: '#8a4b00',
      weight: 600,
    });
    if (moveSummary) lines.push({ text: truncate(moveSummary, 30), size: 14, fill: '#8a4b00' });
  }
  const top = -((lines.length - 1) * 22) / 2;
  return (
    <g data-testid="ring-centre">
      {lines.map((line, i) => (
        <text
          key={line.text}
          x={0}
          y={top + i * 22 + 5}
          textAnchor="middle"
          fontSize={line.size}
          fontWeight={line.weight ?? 400}
          fill={line.fill ?? ink}
        >
          {line.text}
        </text>
      ))}
    </g>
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
