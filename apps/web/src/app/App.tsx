/**
 * The lab's page: the cluster view with messages in flight, who-hears-whom, per-node controls
 * (kill / restart) and a readable event log. State comes from the lab store; actions go to the
 * live cluster.
 */

import type { NodeId } from '@kvscope/engine';
import { ClusterView, type Flight, MessageLegend } from '@kvscope/ui';
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { LabStore } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import { useDisplayClock } from './useDisplayClock.ts';

const speeds = [
  { label: 'Classroom (400 ms per hop)', delayMs: 400 },
  { label: 'Slow (150 ms per hop)', delayMs: 150 },
  { label: 'Fast (20 ms per hop)', delayMs: 20 },
  { label: 'Full speed (no added delay)', delayMs: 0 },
];

export function App({ store, cluster }: { store: LabStore; cluster: LiveCluster }) {
  const state = useStore(store);
  const displayNow = useDisplayClock(store);
  const [selected, setSelected] = useState<NodeId | null>(null);
  useEffect(() => () => cluster.stopAll(), [cluster]);

  const flights: Flight[] = Object.values(state.flights)
    .filter((f) => f.sentAt <= displayNow)
    .map((f) => ({
      key: f.key,
      from: f.from,
      to: f.to,
      msg: f.msg,
      progress: f.deliverAt > f.sentAt ? (displayNow - f.sentAt) / (f.deliverAt - f.sentAt) : 1,
    }));
  const nodes = state.order.map((id) => {
    const node = state.nodes[id];
    const heard = state.order.filter((p) => p !== id && state.hearing[id]?.[p]).length;
    return {
      id,
      status: node?.status ?? 'starting',
      detail: node?.status === 'up' ? `hears ${heard} of ${state.order.length - 1}` : undefined,
    };
  });

  return (
    <main className="lab">
      <header>
        <h1>kvscope</h1>
        <p className="tagline">
          A distributed key-value store running in your browser — one Web Worker per node.
        </p>
      </header>
      <section className="controls" aria-label="Cluster controls">
        <label>
          Network speed{' '}
          <select
            value={state.linkDelayMs}
            onChange={(e) => void cluster.setLinkDelay(Number(e.target.value))}
            data-testid="network-speed"
          >
            {speeds.map((s) => (
              <option key={s.delayMs} value={s.delayMs}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <span className="counters" data-testid="counters">
          {state.counters.sent} sent · {state.counters.delivered} delivered · {state.counters.dropped} dropped
        </span>
      </section>
      <div className="columns">
        <section className="panel" aria-label="Cluster">
          <h2>Cluster</h2>
          <ClusterView
            nodes={nodes}
            flights={flights}
            selected={selected}
            onSelect={(id) => setSelected(id as NodeId)}
          />
          <MessageLegend />
        </section>
        <section className="panel" aria-label="Nodes">
          <h2>Nodes</h2>
          <table className="nodes">
            <thead>
              <tr>
                <th scope="col">node</th>
                <th scope="col">state</th>
                <th scope="col">hears</th>
                <th scope="col">delivered</th>
                <th scope="col">action</th>
              </tr>
            </thead>
            <tbody>
              {state.order.map((id) => {
                const node = state.nodes[id];
                const running = node?.status !== 'crashed';
                const silent = state.order.filter((p) => p !== id && state.hearing[id]?.[p] === false);
                return (
                  <tr key={id} data-testid={`row-${id}`} className={selected === id ? 'selected' : undefined}>
                    <th scope="row">{id}</th>
                    <td data-testid={`status-${id}`}>{node?.status}</td>
                    <td data-testid={`hears-${id}`}>
                      {running ? (silent.length ? `all but ${silent.join(', ')}` : 'everyone') : '—'}
                    </td>
                    <td>{node?.delivered ?? 0}</td>
                    <td>
                      {running ? (
                        <button type="button" onClick={() => cluster.kill(id)} data-testid={`kill-${id}`}>
                          Kill {id}
                        </button>
                      ) : (
                        <button
                          type="button"
                          onClick={() => void cluster.restart(id)}
                          data-testid={`restart-${id}`}
                        >
                          Restart {id}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h2>Event log</h2>
          <ol className="log" data-testid="event-log" aria-live="polite">
            {state.log
              .slice(-30)
              .reverse()
              .map((line) => (
                <li key={line.seq}>
                  <time>{new Date(line.at).toLocaleTimeString()}</time> {line.text}
                </li>
              ))}
          </ol>
        </section>
      </div>
    </main>
  );
}
