/**
 * Where things sit in the cluster view: nodes evenly on a circle (first node at the top, clockwise),
 * or, with data centres, one circle per data centre side by side in a labelled band; a node's disc
 * and labels sized and placed for how crowded its circle is; and a message at fraction `progress`
 * of the straight path between two nodes. Pure geometry, so it can be tested without a DOM.
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
  /** The centre of each node's circle (the view's, or its data centre's). */
  centres: Map<string, Point>;
  /** The radius of a node's disc: smaller when the circle is crowded (16 nodes). */
  nodeRadius: number;
  /**
   * Whether each node's labels sit outside its circle, away from the centre, instead of under the
   * node: under it, with 16 nodes on one circle, a node's state ran into the node below.
   */
  labelsOutside: boolean;
}

/** A node's disc where there is room; the labels under it need ~100 view units between nodes. */
const nodeRadiusMax = 30;
const roomyChord = 100;

/** The disc radius and label side for a circle of `count` nodes of radius `radius`. */
function discFor(count: number, radius: number): { nodeRadius: number; labelsOutside: boolean } {
  if (count < 2) return { nodeRadius: nodeRadiusMax, labelsOutside: false };
  const chord = 2 * radius * Math.sin(Math.PI / count);
  return {
    nodeRadius: Math.max(14, Math.min(nodeRadiusMax, Math.floor(chord * 0.42))),
    labelsOutside: chord < roomyChord,
  };
}

/** Where a node's labels start, and how they align, when they sit outside its circle. */
export function labelOutside(
  node: Point,
  centre: Point,
  nodeRadius: number,
): { x: number; y: number; anchor: 'start' | 'middle' | 'end' } {
  const dx = node.x - centre.x;
  const dy = node.y - centre.y;
  const length = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [dx / length, dy / length];
  const anchor = Math.abs(ux) < 0.35 ? 'middle' : ux > 0 ? 'start' : 'end';
  // Two lines of ~14 units: above the node at the top, below it at the bottom, beside it at the sides.
  const gap = nodeRadius + 6;
  const y = node.y + uy * gap + (uy < -0.35 ? -18 : uy > 0.35 ? 12 : -4);
  return { x: node.x + ux * gap, y, anchor };
}

/** Space between bands and around them, in view units. */
const bandGapPx = 12;
/** Height of the strip under the bands where the view labels the links between them. */
const labelStripPx = 36;

/**
 * The view's layout for `ids`: one circle when `dcOf` is absent or names a single data centre,
 * else one band per data centre, left to right in the order `dcOf` first names them (a scenario's
 * order, not the nodes' names: its west comes first though e1 sorts before w1), each with its nodes
 * on a circle of their own.
 */
export function clusterLayout(
  ids: readonly string[],
  width: number,
  height: number,
  dcOf?: Readonly<Record<string, string>> | null,
): ClusterLayout {
  const present = new Set(ids.map((id) => dcOf?.[id] ?? ''));
  const names = [...new Set([...Object.values(dcOf ?? {}), ''])].filter((name) => present.has(name));
  if (!dcOf || names.length < 2) {
    // Room for two lines of text under the bottom node, or, once they sit outside, above the top one.
    const roomy = Math.min(width, height) / 2 - 60;
    const radius = discFor(ids.length, roomy).labelsOutside ? roomy - 6 : roomy;
    const centre = { x: width / 2, y: height / 2 };
    return {
      positions: circleLayout(ids, centre.x, centre.y, radius),
      bands: [],
      centres: new Map(ids.map((id) => [id, centre])),
      ...discFor(ids.length, radius),
    };
  }
  const positions = new Map<string, Point>();
  const centres = new Map<string, Point>();
  const bands: DataCentreBand[] = [];
  let disc = { nodeRadius: nodeRadiusMax, labelsOutside: false };
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
    for (const [id, p] of circleLayout(members, centre.x, centre.y, radius)) {
      positions.set(id, p);
      centres.set(id, centre);
    }
    const own = discFor(members.length, radius);
    disc = {
      nodeRadius: Math.min(disc.nodeRadius, own.nodeRadius),
      labelsOutside: disc.labelsOutside || own.labelsOutside,
    };
  });
  return { positions, bands, centres, ...disc };
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
