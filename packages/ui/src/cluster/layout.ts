/**
 * Where things sit in the cluster view: nodes evenly on a circle (first node at the top, clockwise),
 * or, with data centres, one circle per data centre side by side in a labelled band; and a message at fraction `progress` of the straight path between two nodes. Pure geometry, so it
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

/** A data centre's band in the view: its name, its box, and the centre of its circle of nodes. */
export interface DataCentreBand {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  nodes: number;
}

export interface ClusterLayout {
  positions: Map<string, Point>;
  /** Empty without data centres (one circle, as always). */
  bands: DataCentreBand[];
}

/** Space between bands and around them, in view units. */
const bandGapPx = 12;
/** Height of the strip under the bands where the view labels the links between them. */
const labelStripPx = 36;

/**
 * The view's layout for `ids`: one circle when `dcOf` is absent or names a single data centre,
 * else one band per data centre (in order of first appearance), left to right, each with its nodes
 * on a circle of their own.
 */
export function clusterLayout(
  ids: readonly string[],
  width: number,
  height: number,
  dcOf?: Readonly<Record<string, string>> | null,
): ClusterLayout {
  const names = [...new Set(ids.map((id) => dcOf?.[id] ?? ''))];
  if (!dcOf || names.length < 2) {
    const radius = Math.min(width, height) / 2 - 60;
    return { positions: circleLayout(ids, width / 2, height / 2, radius), bands: [] };
  }
  const positions = new Map<string, Point>();
  const bands: DataCentreBand[] = [];
  const bandWidth = (width - bandGapPx * (names.length + 1)) / names.length;
  names.forEach((name, i) => {
    const members = ids.filter((id) => (dcOf[id] ?? '') === name);
    const x = bandGapPx + i * (bandWidth + bandGapPx);
    // The strip under the bands is left for the label of the links between them.
    const band = {
      name,
      x,
      y: bandGapPx,
      width: bandWidth,
      height: height - bandGapPx - labelStripPx,
      nodes: members.length,
    };
    bands.push(band);
    // Room for the band's label above and each node's two lines of text below.
    const radius = members.length < 2 ? 0 : Math.min(bandWidth / 2 - 45, band.height / 2 - 75);
    const centre = { x: x + bandWidth / 2, y: band.y + band.height / 2 + 4 };
    for (const [id, p] of circleLayout(members, centre.x, centre.y, radius)) positions.set(id, p);
  });
  return { positions, bands };
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
