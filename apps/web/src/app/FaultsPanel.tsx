/**
 * Fault injection on the network: partition the cluster into groups (a select box per node), cut one
 * direction of a link, slow or lossy links (one pair or every link), heal all — and the timeline of
 * every fault injected so far, with its time and label. Node faults (kill, pause, wipe) sit next to
 * each node in the cluster panel; a node's clock is set here (ClockFaults.tsx). With two data centres: cut one off (a partition by data centre,
 * "dc-outage east" on the timeline), power one off (kill every node of it), and restore.
 */

import type { NodeId } from '@kvscope/engine';
import { FaultTimeline, NodeOptions, type FaultMarker as TimelineMarker } from '@kvscope/ui';
import { useState } from 'react';
import type { FaultMarker, LabState, Selection } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import { type MetricSample, metricSparklines } from '../live/metrics.ts';
import { isPartitioned } from '../live/network.ts';
import { sharedNow } from '../shared/workerApi.ts';
import { ClockFaults } from './ClockFaults.tsx';
import { DataCentreFaults } from './DataCentreFaults.tsx';
import { formatLabTime, labTimeOrigin } from './formatTime.ts';
import { linkChoice } from './linkChoice.ts';

const groupNames = ['A', 'B', 'C'];

export function FaultsPanel({
  state,
  cluster,
  onSelect,
}: {
  state: LabState;
  cluster: LiveCluster;
  onSelect: (patch: Partial<Selection>) => void;
}) {
  const { order } = state;
  const [groups, setGroups] = useState<Record<string, number>>({});
  const [from, setFrom] = useState<string>(order[0] ?? '');
  const [to, setTo] = useState<string>(order[1] ?? '');
  const [slowMs, setSlowMs] = useState(300);
  const [loss, setLoss] = useState(0.3);
  const { source, targets, target } = linkChoice(order, from, to);
  const pairA = (source || '*') as NodeId | '*';
  const pairB = source ? (target as NodeId) : null;
  return (
    <section className="panel" aria-label="Faults">
      <h2>Break the network and the clocks</h2>
      {state.settings.dataCentres === 2 && <DataCentreFaults state={state} cluster={cluster} />}
      <fieldset>
        <legend>Partition into groups</legend>
        <div className="form-row wrap">
          {order.map((id) => (
            <label key={id}>
              {id}{' '}
              <select
                value={groups[id] ?? 0}
                onChange={(e) => setGroups({ ...groups, [id]: Number(e.target.value) })}
                data-testid={`group-${id}`}
              >
                {groupNames.map((name, i) => (
                  <option key={name} value={i}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <button
            type="button"
            onClick={() => void cluster.partition(groups)}
            disabled={new Set(order.map((id) => groups[id] ?? 0)).size < 2}
            data-testid="partition"
          >
            Partition
          </button>
        </div>
      </fieldset>
      <fieldset>
        <legend>One link</legend>
        <div className="form-row wrap">
          <label>
            from{' '}
            <select value={source} onChange={(e) => setFrom(e.target.value)} data-testid="link-from">
              <option value="">every link</option>
              <NodeOptions ids={order} />
            </select>
          </label>
          <label>
            to{' '}
            <select
              value={target}
              onChange={(e) => setTo(e.target.value)}
              disabled={!source}
              data-testid="link-to"
            >
              <NodeOptions ids={targets} />
            </select>
          </label>
          <button
            type="button"
            disabled={!source || !target}
            onClick={() => void cluster.cutOneWay(source as NodeId, target as NodeId)}
            data-testid="cut-one-way"
            title="Drop every message from the first node to the second; the other direction still works"
          >
            Cut one way
          </button>
        </div>
        <div className="form-row wrap">
          <label>
            delay{' '}
            <select value={slowMs} onChange={(e) => setSlowMs(Number(e.target.value))} data-testid="slow-ms">
              {[100, 300, 1000, 3000].map((ms) => (
                <option key={ms} value={ms}>
                  +{ms} ms
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => void cluster.slowLink(pairA, pairB, slowMs)}
            data-testid="slow"
          >
            Slow {source ? `${source}↔${target}` : 'every link'}
          </button>
          <label>
            loss{' '}
            <select value={loss} onChange={(e) => setLoss(Number(e.target.value))} data-testid="loss">
              {[0.1, 0.3, 0.5, 1].map((p) => (
                <option key={p} value={p}>
                  {Math.round(p * 100)}%
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => void cluster.lossyLink(pairA, pairB, loss)}
            data-testid="lossy"
          >
            Lossy {source ? `${source}↔${target}` : 'every link'}
          </button>
        </div>
      </fieldset>
      <ClockFaults state={state} cluster={cluster} />
      <div className="form-row">
        <button
          type="button"
          className="primary"
          onClick={() => void cluster.healAll()}
          data-testid="heal"
          title="Heal every link, resume every paused node and set every clock right"
        >
          Heal all
        </button>
        <button
          type="button"
          onClick={() => void cluster.repairNow()}
          data-testid="repair-now"
          title="Anti-entropy now: every node compares Merkle trees with its replicas and copies what differs"
        >
          Repair now
        </button>
        <span className="muted small" data-testid="network-state">
          {isPartitioned(state.faults, order) ? 'partitioned' : 'one network'}
          {state.faults.oneWay.length ? ` · ${state.faults.oneWay.length} one-way cut(s)` : ''}
        </span>
      </div>
      <Timeline
        markers={state.markers}
        metrics={state.metrics}
        selected={state.selection}
        onSelect={(fault) => onSelect({ fault })}
      />
    </section>
  );
}

/** The page's fault kinds in the timeline's vocabulary (timelineModel `faultStyles`). */
const timelineKind: Record<FaultMarker['kind'], string> = {
  kill: 'kill',
  restart: 'restart',
  pause: 'pause',
  resume: 'resume',
  partition: 'partition',
  'one-way cut': 'cut',
  slow: 'slow',
  lossy: 'loss',
  wipe: 'wipe',
  corrupt: 'corrupt',
  skew: 'skew',
  heal: 'heal',
  reset: 'wipe',
  settings: 'restart',
  repair: 'heal',
  add: 'add',
  remove: 'remove',
  autoscaler: 'autoscaler',
};

/** Faults that last until the next heal are drawn as bands up to it (or up to now). */
const lasting = new Set<FaultMarker['kind']>(['partition', 'one-way cut', 'slow', 'lossy', 'pause']);

export function timelineMarkers(markers: readonly FaultMarker[], now: number): TimelineMarker[] {
  return markers.map((m) => {
    const healedAt = markers.find(
      (later) =>
        later.at >= m.at &&
        later.seq > m.seq &&
        (later.kind === 'heal' ||
          (m.kind === 'pause' && later.kind === 'resume' && later.nodes[0] === m.nodes[0])),
    )?.at;
    const marker: TimelineMarker = { at: m.at, kind: timelineKind[m.kind], label: m.label, nodes: m.nodes };
    if (lasting.has(m.kind)) marker.until = healedAt ?? now;
    return marker;
  });
}

/**
 * The fault timeline: every fault injected, where it happened, on one time axis (FaultTimeline),
 * under plots of the requests answered and failed per second and the hints held (metrics.ts).
 */
export function Timeline({
  markers,
  metrics,
  selected,
  onSelect,
}: {
  markers: readonly FaultMarker[];
  metrics: readonly MetricSample[];
  selected: { node: string | null; fault: number | null };
  onSelect: (seq: number) => void;
}) {
  const now = sharedNow();
  const drawn = timelineMarkers(markers, now);
  const chosen = markers.find((m) => m.seq === selected.fault) ?? markers.at(-1);
  const start = Math.min(markers[0]?.at ?? now, now - 30_000);
  return (
    <div data-testid="faults-timeline">
      <h3>Fault timeline</h3>
      {markers.length === 0 && (
        <p className="muted">No faults yet: kill a node, or split the network above.</p>
      )}
      {(markers.length > 0 || metrics.length > 2) && (
        <>
          <FaultTimeline
            faults={drawn}
            sparklines={metricSparklines(metrics, start)}
            start={start}
            end={now}
            now={now}
            selectedNode={selected.node}
            onSelectFault={(marker) => {
              const index = drawn.indexOf(marker);
              const m = markers[index];
              if (m) onSelect(m.seq);
            }}
            formatTime={formatLabTime}
            timeOrigin={labTimeOrigin}
            width={640}
          />
          {chosen && (
            <p className="small" data-testid="fault-selected">
              <time>{formatLabTime(chosen.at)}</time> {chosen.label}
            </p>
          )}
        </>
      )}
    </div>
  );
}
