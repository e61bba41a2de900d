/**
 * The cluster: the nodes and the messages in flight (ClusterView from @kvscope/ui), with an overlay
 * for what single dots cannot show — per-link traffic when the network runs too fast to draw every
 * message, and the slow, lossy and one-way-cut links written on the link — and a table of nodes with
 * their fault buttons (kill / restart, pause / resume, wipe disk).
 *
 * A node's state combines what the page knows (crashed, paused, starting) with the live nodes'
 * failure detectors (suspected, down: gossip.ts), written in words under the node and in the table;
 * a stand-in holding hints for an absent owner carries a hint badge.
 *
 * With two data centres the nodes are grouped in a band per data centre, links between them dotted
 * and labelled with their extra delay, and the selected key's replicas are its per-DC replicas.
 */

import { buildRing, type NodeId, replicasFor } from '@kvscope/engine';
import {
  ClusterView,
  clusterLayout,
  type Flight,
  formatCompactCount,
  formatCount,
  MessageLegend,
} from '@kvscope/ui';
import { skewWords } from '../live/clocks.ts';
import { dataCentreMap, interDcDelayMs, placementFor, ringMembers } from '../live/dataCentres.ts';
import { type NodeVerdict, verdictSource } from '../live/gossip.ts';
import type { LabState } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import { faultyLinks } from '../live/network.ts';

const viewWidth = 560;
const viewHeight = 440;

interface Props {
  state: LabState;
  cluster: LiveCluster;
  flights: Flight[];
  /** Messages per second per directed link, when aggregated (full speed). */
  rates: Record<string, number> | null;
  selected: NodeId | null;
  onSelect: (id: NodeId) => void;
  /** The selected key's preference list, in order. */
  highlight: readonly NodeId[];
  verdicts: Readonly<Record<string, NodeVerdict>>;
}

/** A membership change the node is making: it joins, or leaves, once its ranges have moved. */
function changeOf(state: LabState, id: NodeId): string {
  if (state.membership.joining.includes(id)) return 'joining';
  return state.membership.leaving.includes(id) ? 'leaving' : '';
}

/** Hints a node holds, written as a badge ("holds 3 hints for n3"). */
function hintBadge(held: Record<string, number> | undefined): string {
  const owners = Object.entries(held ?? {}).filter(([, count]) => count > 0);
  if (owners.length === 0) return '';
  const total = owners.reduce((sum, [, count]) => sum + count, 0);
  return `✉ ${total} hint${total === 1 ? '' : 's'} for ${owners.map(([owner]) => owner).join(',')}`;
}

export function ClusterPanel(props: Props) {
  const { state, cluster, flights, rates, selected, onSelect, verdicts } = props;
  const faulty = faultyLinks(state.faults, state.order);
  const dcOf = dataCentreMap(state.settings, state.order);
  const highlight = dcOf ? dcReplicas(state) : props.highlight;
  const nodes = state.order.map((id) => {
    const verdict = verdicts[id];
    const replica = highlight.includes(id) ? `replica ${highlight.indexOf(id) + 1}` : '';
    const hints = hintBadge(state.hints[id]);
    const doubted = verdict ? verdictSource(verdict) : '';
    const change = changeOf(state, id);
    const skew = state.clockSkews[id];
    const clock = skew ? `clock ${skewWords(skew)}` : '';
    const detail = [change, replica, hints, clock, doubted].filter(Boolean).join(' · ');
    return { id, status: verdict?.state ?? 'starting', detail };
  });
  const types = [...new Set(flights.map((f) => f.msg))].sort();
  // The key lists the types in flight; with none, one line rather than every type (23 lines).
  const legend =
    types.length > 0 ? (
      <MessageLegend types={types} />
    ) : (
      <p className="muted small">No messages in flight.</p>
    );
  return (
    <section className="panel" aria-label="Cluster">
      <h2 className="one-line">
        Cluster <MessageCounts counters={state.counters} />
      </h2>
      <div className="cluster-stage">
        <ClusterView
          nodes={nodes}
          flights={flights}
          cutLinks={faulty.filter((l) => l.cut)}
          selected={selected}
          onSelect={(id) => onSelect(id as NodeId)}
          width={viewWidth}
          height={viewHeight}
          dataCentreOf={dcOf}
          interDcLabel={`┈┈ dotted: links between data centres, +${interDcDelayMs(state.linkDelayMs)} ms`}
        />
        <LinkOverlay order={state.order} rates={rates} faulty={faulty} dcOf={dcOf} />
      </div>
      {/* A box of fixed height: as the types in flight came and went, the legend took one line or
          two, and the node table's buttons under it jumped while the user aimed at them. */}
      <div className="cluster-legend" data-testid="cluster-legend">
        {rates ? (
          <p className="muted small" data-testid="aggregated-note">
            Full speed: too many messages to draw one by one — each link shows its messages per second.
          </p>
        ) : (
          legend
        )}
      </div>
      <NodeTable
        state={state}
        cluster={cluster}
        selected={selected}
        onSelect={onSelect}
        verdicts={verdicts}
      />
    </section>
  );
}

/** The selected key's replicas under the per-DC placement, in the same order as the nodes'. */
function dcReplicas(state: LabState): NodeId[] {
  const key = state.selection.key;
  if (!key) return [];
  const members = ringMembers(state.settings, state.membership.ring);
  const ring = buildRing(members, { virtualNodes: state.settings.virtualNodes });
  return [...replicasFor(ring, key, placementFor(state.settings)).nodes];
}

function LinkOverlay({
  order,
  rates,
  faulty,
  dcOf,
}: {
  order: readonly NodeId[];
  rates: Record<string, number> | null;
  faulty: ReturnType<typeof faultyLinks>;
  dcOf: Record<string, string> | null;
}) {
  const at = clusterLayout(order, viewWidth, viewHeight, dcOf).positions;
  const lines: {
    key: string;
    x1: number;
    y1: number;
    x2: number;
    y2: number;
    width: number;
    text: string;
  }[] = [];
  const notes = new Map<string, string[]>();
  for (const link of faulty) {
    const pair = link.from < link.to ? `${link.from}|${link.to}` : `${link.to}|${link.from}`;
    const parts = notes.get(pair) ?? [];
    // A cut both ways is drawn by the view (dashed red); only a one-way cut needs words.
    const back = faulty.some((l) => l.from === link.to && l.to === link.from && l.cut);
    if (link.cut && !back) parts.push(`${link.from}→${link.to} cut (one way)`);
    else if (link.from < link.to) {
      if (link.slowMs) parts.push(`+${link.slowMs} ms`);
      if (link.loss) parts.push(`${Math.round(link.loss * 100)}% loss`);
    }
    notes.set(pair, parts);
  }
  order.forEach((a, i) => {
    for (const b of order.slice(i + 1)) {
      const pa = at.get(a);
      const pb = at.get(b);
      if (!pa || !pb) continue;
      const rate = (rates?.[`${a}->${b}`] ?? 0) + (rates?.[`${b}->${a}`] ?? 0);
      const note = notes.get(`${a}|${b}`) ?? [];
      const text = [...note, rate > 0 ? `${Math.round(rate)}/s` : ''].filter(Boolean).join(' · ');
      if (!text) continue;
      const width = rate > 0 ? Math.min(12, 1 + Math.log2(1 + rate)) : 0;
      lines.push({ key: `${a}-${b}`, x1: pa.x, y1: pa.y, x2: pb.x, y2: pb.y, width, text });
    }
  });
  return (
    <svg
      className="overlay"
      viewBox={`0 0 ${viewWidth} ${viewHeight}`}
      aria-hidden="true"
      data-testid="link-overlay"
    >
      {lines.map((l) => (
        <g key={l.key}>
          {l.width > 0 && (
            <line
              x1={l.x1}
              y1={l.y1}
              x2={l.x2}
              y2={l.y2}
              stroke="#0969da"
              strokeOpacity={0.4}
              strokeWidth={l.width}
            />
          )}
          <text
            x={(l.x1 + l.x2) / 2}
            y={(l.y1 + l.y2) / 2 - 4}
            textAnchor="middle"
            fontSize={12}
            fill="#1f2328"
            stroke="#fff"
            strokeWidth={3}
            paintOrder="stroke"
          >
            {l.text}
          </text>
        </g>
      ))}
    </svg>
  );
}

function NodeTable({
  state,
  cluster,
  selected,
  onSelect,
  verdicts,
}: {
  state: LabState;
  cluster: LiveCluster;
  selected: NodeId | null;
  onSelect: (id: NodeId) => void;
  verdicts: Readonly<Record<string, NodeVerdict>>;
}) {
  return (
    <table className="nodes">
      <thead>
        <tr>
          <th scope="col">node</th>
          <th scope="col">state</th>
          <th scope="col">faults</th>
        </tr>
      </thead>
      <tbody>
        {state.order.map((id) => {
          const node = state.nodes[id];
          const status = node?.status ?? 'starting';
          const crashed = status === 'crashed';
          const verdict = verdicts[id];
          const change = changeOf(state, id);
          const shown = change || (verdict?.state ?? status);
          return (
            <tr key={id} data-testid={`row-${id}`} className={selected === id ? 'selected' : undefined}>
              <th scope="row">
                <button
                  type="button"
                  className="link"
                  onClick={() => onSelect(id)}
                  aria-label={`Inspect ${id}`}
                >
                  {id}
                </button>
                {state.settings.dataCentres === 2 && (
                  <span className="muted small"> {dataCentreMap(state.settings, state.order)?.[id]}</span>
                )}
              </th>
              <td
                data-testid={`status-${id}`}
                className={`state-${shown}`}
                title={
                  // Under a partition each side holds the other down: say whose verdict it is.
                  !change && verdict?.doubtedBy.length
                    ? `${shown}: ${verdictSource(verdict, ', ')}`
                    : undefined
                }
              >
                {shown}
                {state.clockSkews[id] ? (
                  <span className="small" data-testid={`clock-${id}`}>
                    {' '}
                    · clock {skewWords(state.clockSkews[id] ?? 0)}
                  </span>
                ) : null}
              </td>
              <td className="actions">
                {crashed ? (
                  <button
                    type="button"
                    onClick={() => void cluster.restart(id)}
                    data-testid={`restart-${id}`}
                    aria-label={`Restart ${id}`}
                  >
                    Restart
                  </button>
                ) : (
                  <button
                    type="button"
                    onClick={() => cluster.kill(id)}
                    disabled={status === 'starting'}
                    data-testid={`kill-${id}`}
                    aria-label={`Kill ${id}`}
                    title="Terminate the node's Web Worker: a real crash"
                  >
                    Kill
                  </button>
                )}
                {status === 'paused' ? (
                  <button type="button" onClick={() => cluster.resume(id)} data-testid={`resume-${id}`}>
                    Resume
                  </button>
                ) : (
                  <button
                    type="button"
                    onClick={() => cluster.pause(id)}
                    disabled={status !== 'up'}
                    data-testid={`pause-${id}`}
                    title="Hold every message and timer of the node, as a stalled process"
                  >
                    Pause
                  </button>
                )}
                <button
                  type="button"
                  onClick={() => void cluster.wipe(id)}
                  disabled={status === 'starting'}
                  data-testid={`wipe-${id}`}
                  aria-label={`Wipe ${id}'s disk`}
                  title="Kill the node, delete its files, and start it on an empty disk"
                >
                  Wipe
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * Messages sent and dropped, on the heading's line. With "delivered" between them, the line wrapped
 * once the counts reached three digits and pushed the drawing and the node table down under the
 * pointer; delivered is sent less dropped less those in flight, and is in the tooltip with the
 * exact counts. Large counts are shortened ("12.3k").
 */
function MessageCounts({ counters }: { counters: LabState['counters'] }) {
  const { sent, delivered, dropped } = counters;
  const exact = `${formatCount(sent)} sent · ${formatCount(delivered)} delivered · ${formatCount(dropped)} dropped`;
  return (
    <span className="muted small" title={exact}>
      {formatCompactCount(sent)} sent · {formatCompactCount(dropped)} dropped
    </span>
  );
}
