/**
 * The lab's page: run controls on top; the cluster with its nodes and fault buttons on the left; the
 * client and the request trace in the middle; network faults with their timeline, the node
 * inspector, the cluster settings and the event log on the right (one tab at a time, so the page
 * fits a 1280×720 projector). State comes from the lab store; actions go to the live cluster.
 */

import { buildRing, extendedPreferenceList, type NodeId } from '@kvscope/engine';
import type { Flight } from '@kvscope/ui';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { flightDrawDelayMinMs } from '../live/foldEvents.ts';
import type { LabClient } from '../live/labClient.ts';
import type { LabState, LabStore } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import type { Workload } from '../live/workload.ts';
import { ClientPanel } from './ClientPanel.tsx';
import { ClusterPanel } from './ClusterPanel.tsx';
import { FaultsPanel } from './FaultsPanel.tsx';
import { InspectorPanel } from './InspectorPanel.tsx';
import { RunControls, SettingsPanel } from './SettingsPanel.tsx';
import { TracePanel } from './TracePanel.tsx';
import { useDisplayClock } from './useDisplayClock.ts';

const tabs = ['Faults', 'Inspector', 'Settings', 'Log'] as const;
type Tab = (typeof tabs)[number];

/** Per-link messages per second, sampled every second from the store's counts (full speed only). */
function useLinkRates(store: LabStore, active: boolean): Record<string, number> | null {
  const [rates, setRates] = useState<Record<string, number> | null>(null);
  const last = useRef<{ at: number; counts: Record<string, number> } | null>(null);
  useEffect(() => {
    if (!active) {
      setRates(null);
      return;
    }
    const sample = () => {
      const counts = store.getState().linkCounts;
      const now = performance.now();
      const prev = last.current;
      if (prev) {
        const seconds = (now - prev.at) / 1000;
        const next: Record<string, number> = {};
        for (const [link, count] of Object.entries(counts))
          next[link] = (count - (prev.counts[link] ?? 0)) / seconds;
        setRates(next);
      } else setRates({});
      last.current = { at: now, counts };
    };
    sample();
    const timer = setInterval(sample, 1_000);
    return () => clearInterval(timer);
  }, [store, active]);
  return rates;
}

function flightsAt(state: LabState, displayNow: number): Flight[] {
  return Object.values(state.flights)
    .filter((f) => f.sentAt <= displayNow)
    .map((f) => ({
      key: f.key,
      from: f.from,
      to: f.to,
      msg: f.msg,
      progress: f.deliverAt > f.sentAt ? Math.min(1, (displayNow - f.sentAt) / (f.deliverAt - f.sentAt)) : 1,
    }));
}

interface Props {
  store: LabStore;
  cluster: LiveCluster;
  client: LabClient;
  workload: Workload;
}

export function App({ store, cluster, client, workload }: Props) {
  const state = useStore(store);
  const displayNow = useDisplayClock(store);
  const [selected, setSelected] = useState<NodeId | null>(null);
  const [tab, setTab] = useState<Tab>('Faults');
  const [traceId, setTraceId] = useState<string | null>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const rates = useLinkRates(store, state.linkDelayMs < flightDrawDelayMinMs);
  const ring = useMemo(
    () =>
      buildRing(
        state.order.map((id) => ({ id })),
        { virtualNodes: state.settings.virtualNodes },
      ),
    [state.order, state.settings.virtualNodes],
  );
  const replicas = focusKey ? extendedPreferenceList(ring, focusKey, state.settings.n).nodes : [];
  const inspect = (id: NodeId) => {
    setSelected(id);
    setTab('Inspector');
  };

  return (
    <main className="lab">
      <header>
        <h1>kvscope</h1>
        <p className="tagline">
          A Dynamo-style key-value store in your browser — one Web Worker per node, data on OPFS.
        </p>
      </header>
      <RunControls state={state} cluster={cluster} workload={workload} />
      <div className="columns">
        <ClusterPanel
          state={state}
          cluster={cluster}
          flights={rates ? [] : flightsAt(state, displayNow)}
          rates={rates}
          selected={selected}
          onSelect={inspect}
          highlight={replicas}
        />
        <div className="stack">
          <ClientPanel
            client={client}
            order={state.order}
            settings={state.settings}
            onRequest={(id, key) => {
              setTraceId(id);
              setFocusKey(key);
            }}
          />
          <TracePanel state={state} selected={traceId} onSelect={setTraceId} />
        </div>
        <div className="stack">
          <div role="tablist" aria-label="Lab panels" className="tabs">
            {tabs.map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                onClick={() => setTab(t)}
                data-testid={`tab-${t.toLowerCase()}`}
              >
                {t}
              </button>
            ))}
          </div>
          {tab === 'Faults' && <FaultsPanel state={state} cluster={cluster} />}
          {tab === 'Inspector' &&
            (selected ? (
              <InspectorPanel cluster={cluster} id={selected} node={state.nodes[selected]} />
            ) : (
              <p className="panel muted">
                Click a node (in the picture or the table) to inspect its storage.
              </p>
            ))}
          {tab === 'Settings' && <SettingsPanel state={state} cluster={cluster} />}
          {tab === 'Log' && <EventLog state={state} />}
        </div>
      </div>
    </main>
  );
}

function EventLog({ state }: { state: LabState }) {
  return (
    <section className="panel" aria-label="Event log">
      <h2>Event log</h2>
      <ol className="log" data-testid="event-log" aria-live="polite">
        {state.log
          .slice(-60)
          .reverse()
          .map((line) => (
            <li key={line.seq}>
              <time>{new Date(line.at).toLocaleTimeString()}</time> {line.text}
            </li>
          ))}
      </ol>
    </section>
  );
}
