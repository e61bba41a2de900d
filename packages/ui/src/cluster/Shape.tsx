/**
 * One mark of a given shape, centred on `at` with half-size `size`. Shared by the cluster's
 * messages, the ring's tokens and the legends, so a shape means the same thing everywhere.
 *
 * Props: `shape`, `at` (centre), `size` (half-width in px), `colour` (fill), optional `stroke`
 * (outline colour; `ring` and `plus` are drawn as strokes in `colour`), `strokeWidth`,
 * `hollow` (outline only, for "ghost" marks such as leaving tokens).
 */

import type { Point } from './layout.ts';
import type { MessageShape } from './messageStyle.ts';

export interface ShapeProps {
  shape: MessageShape;
  at: Point;
  size: number;
  colour: string;
  stroke?: string;
  strokeWidth?: number;
  hollow?: boolean;
}

const polygon = (points: readonly [number, number][]) => points.map(([x, y]) => `${x},${y}`).join(' ');

/** The outline of `shape` as polygon points around (0,0) with half-size s; null for round shapes. */
export function shapePoints(shape: MessageShape, s: number): [number, number][] | null {
  switch (shape) {
    case 'square':
      return [
        [-s, -s],
        [s, -s],
        [s, s],
        [-s, s],
      ];
    case 'triangle':
      return [
        [0, -s * 1.15],
        [s * 1.1, s * 0.85],
        [-s * 1.1, s * 0.85],
      ];
    case 'triangle-down':
      return [
        [0, s * 1.15],
        [s * 1.1, -s * 0.85],
        [-s * 1.1, -s * 0.85],
      ];
    case 'diamond':
      return [
        [0, -s * 1.25],
        [s * 1.25, 0],
        [0, s * 1.25],
        [-s * 1.25, 0],
      ];
    case 'hexagon':
      return Array.from({ length: 6 }, (_, i) => {
        const a = (Math.PI / 3) * i;
        return [s * 1.1 * Math.cos(a), s * 1.1 * Math.sin(a)] as [number, number];
      });
    case 'star':
      return Array.from({ length: 10 }, (_, i) => {
        const a = -Math.PI / 2 + (Math.PI / 5) * i;
        const r = i % 2 === 0 ? s * 1.35 : s * 0.6;
        return [r * Math.cos(a), r * Math.sin(a)] as [number, number];
      });
    case 'chevron':
      return [
        [-s, -s],
        [0, -s],
        [s, 0],
        [0, s],
        [-s, s],
        [0, 0],
      ];
    default:
      return null;
  }
}

export function Shape({ shape, at, size, colour, stroke, strokeWidth = 1, hollow = false }: ShapeProps) {
  const s = size;
  const fill = hollow ? 'white' : colour;
  const outline = hollow ? colour : stroke;
  const width = hollow ? Math.max(1.5, strokeWidth) : strokeWidth;
  if (shape === 'circle') {
    return <circle cx={at.x} cy={at.y} r={s} fill={fill} stroke={outline} strokeWidth={width} />;
  }
  if (shape === 'ring') {
    return <circle cx={at.x} cy={at.y} r={s * 0.8} fill="white" stroke={colour} strokeWidth={s * 0.45} />;
  }
  if (shape === 'plus') {
    const t = s * 0.4;
    return (
      <path
        d={`M${at.x - s},${at.y - t}h${s - t}v${-(s - t)}h${2 * t}v${s - t}h${s - t}v${2 * t}h${-(s - t)}v${s - t}h${-2 * t}v${-(s - t)}h${-(s - t)}z`}
        fill={fill}
        stroke={outline}
        strokeWidth={width}
      />
    );
  }
  const points = shapePoints(shape, s) ?? [];
  return (
    <polygon
      points={polygon(points.map(([x, y]) => [at.x + x, at.y + y]))}
      fill={fill}
      stroke={outline}
      strokeWidth={width}
      strokeLinejoin="round"
    />
  );
}
