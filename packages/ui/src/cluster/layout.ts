/**
 * Where things sit in the cluster view: nodes evenly on a circle (first node at the top, clockwise),
 * and a message at fraction `progress` of the straight path between two nodes. Pure geometry, so it
 * can be tested without a DOM.
 */

export interface Point {
  x: number;
  y: number;
}

export function circleLayout(
  ids: readonly string[],
  cx: number,
  cy: number,
  radius: number,
): Map<string, Point> {
  const positions = new Map<string, Point>();
  ids.forEach((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, ids.length);
    positions.set(id, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) });
  });
  return positions;
}

/** A point along from→to, pulled off the centre line by `lane` so the two directions don't overlap. */
export function alongLink(from: Point, to: Point, progress: number, lane = 6): Point {
  const t = Math.min(1, Math.max(0, progress));
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy) || 1;
  const nx = -dy / length;
  const ny = dx / length;
  return { x: from.x + dx * t + nx * lane, y: from.y + dy * t + ny * lane };
}
