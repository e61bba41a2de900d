/**
 * The lab's page, laid out for a projector (1280×720 and up):
 *
 *   ┌ kvscope · network speed · workload ─────────────────────────────────────────────┐
 *   │ Cluster (nodes, messages)   │ Client: put / get / delete  │ [Trace|Versions|Inspec…│
 *   │ nodes table: Kill / Restart │ Hash ring (tokens, keys,    │  |Merkle|Log|Faults|…] │
 *   │ Pause / Wipe                │  the key's replicas)        │  one tab at a time     │
 *   └──────────────────────────────────────────────────────────────────────────────────┘
 *
 * The cluster and the ring sit side by side, with the kill buttons and the put/get/delete controls
 * always in view; the deeper views share the right column as tabs. One selection in the lab store
 * (node, key, request, fault) links every view: choosing a key on the ring highlights its replicas
 * on the cluster and its lines in the log; choosing a node opens its inspector.
 */

import { buildRing, extendedPreferenceList, type NodeId } from '@kvscope/engine';
import type { Flight } from '@kvscope/ui';
import { type KeyboardEvent, lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { flightDrawDelayMinMs } from '../live/foldEvents.ts';
import { beliefMatrix, nodeVerdict, unavailableNodes } from '../live/gossip.ts';
import type { LabClient } from '../live/labClient.ts';
import { type LabState, type LabStore, type Selection, select } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import type { Workload } from '../live/workload.ts';
import { ClientPanel } from './ClientPanel.tsx';
import { ClusterPanel } from './ClusterPanel.tsx';
import { FaultsPanel } from './FaultsPanel.tsx';
import { GossipPanel } from './GossipPanel.tsx';
import { InspectorPanel } from './InspectorPanel.tsx';
import { LiveRunPanel } from './LiveRunPanel.tsx';
import { LogPanel } from './LogPanel.tsx';
import { MembershipPanel } from './MembershipPanel.tsx';
import { MerklePanel } from './MerklePanel.tsx';
import { RingPanel } from './RingPanel.tsx';
import type { Chosen } from './ScenariosPanel.tsx';
import { RunControls, SettingsPanel } from './SettingsPanel.tsx';
import { TracePanel } from './TracePanel.tsx';
import { useDisplayClock } from './useDisplayClock.ts';
import { useReducedMotion } from './useReducedMotion.ts';
import { VersionsPanel } from './VersionsPanel.tsx';

/** The lessons, loaded when first opened (their text is most of their weight). */
const LessonBar = lazy(() => import('./LessonBar.tsx').then((m) => ({ default: m.LessonBar })));
/** A `?lesson=<id>` link opens that lesson (LessonBar.tsx; an unknown id opens the first). */
const linkedLesson = () => new URLSearchParams(location.search).get('lesson');
/** The scenario runner, loaded when its tab is first opened: it bundles the shipped scenario files. */
const ScenariosPanel = lazy(() =>
  import('./ScenariosPanel.tsx').then((m) => ({ default: m.ScenariosPanel })),
);

const tabs = [
  'Trace',
  'Versions',
  'Inspector',
  'Gossip',
  'Merkle',
  'Log',
  'Faults',
  'Settings',
  'Runs',
] as const;
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
  /** Sentences for the values of the page's link the lab did not use (pageLink.ts). */
  linkIgnored?: readonly string[];
}

/** A `?run=<scenario>` or `?scenario=<file>` link opens the Runs tab on it (ScenariosPanel.tsx). */
const linkedRun = () => {
  const params = new URLSearchParams(location.search);
  return params.has('run') || params.has('scenario');
};

export function App({ store, cluster, client, workload, linkIgnored = [] }: Props) {
  const state = useStore(store);
  const displayNow = useDisplayClock(store);
  const reducedMotion = useReducedMotion();
  const [tab, setTab] = useState<Tab>(linkedRun() ? 'Runs' : 'Trace');
  const [lesson, setLesson] = useState<string | null>(linkedLesson);
  const [linkNotes, setLinkNotes] = useState(linkIgnored);
  /** This live session as a scenario file, handed from the live run panel to the scenario runner. */
  const [sessionFile, setSessionFile] = useState<Chosen | null>(null);
  const rates = useLinkRates(store, state.linkDelayMs < flightDrawDelayMinMs);
  const { selection, order, nodes, snapshots, settings } = state;
  const onSelect = (patch: Partial<Selection>) => store.setState((s) => select(s, patch));
  const inspect = (id: NodeId) => {
    onSelect({ node: id });
    setTab('Inspector');
  };
  const members = state.membership.ring;
  const ring = useMemo(
    () =>
      buildRing(
        members.map((id) => ({ id })),
        { virtualNodes: settings.virtualNodes },
      ),
    [members, settings.virtualNodes],
  );
  const matrix = useMemo(() => beliefMatrix(order, snapshots), [order, snapshots]);
  const verdicts = Object.fromEntries(order.map((id) => [id, nodeVerdict(id, nodes[id], matrix)]));
  const unavailable = unavailableNodes(order, nodes, matrix);
  const replicas = selection.key ? extendedPreferenceList(ring, selection.key, settings.n).nodes : [];

  return (
    <main className="lab">
      <header>
        <h1>kvscope</h1>
        <button
          type="button"
          onClick={() => setLesson(lesson ? null : 'one-server')}
          aria-pressed={lesson !== null}
          data-testid="lessons-open"
          title="Guided lessons through the chapter, on this live cluster: predict, act, check"
        >
          Lessons
        </button>
        <RunControls state={state} cluster={cluster} workload={workload} />
      </header>
      {linkNotes.length > 0 && (
        <div className="refusal link-notice" role="alert" data-testid="link-notice">
          <div>
            {linkNotes.map((note) => (
              <p key={note}>{note}</p>
            ))}
          </div>
          <button
            type="button"
            onClick={() => setLinkNotes([])}
            aria-label="Dismiss the note about the link"
            data-testid="link-notice-dismiss"
          >
            ×
          </button>
        </div>
      )}
      {lesson && (
        <Suspense fallback={<p className="muted">Loading the lessons…</p>}>
          <LessonBar
            state={state}
            lessonId={lesson}
            onLesson={setLesson}
            onClose={() => setLesson(null)}
            onApplySettings={(next) => cluster.applySettings(next)}
          />
        </Suspense>
      )}
      <div className="columns">
        <div className="stack">
          <ClusterPanel
            state={state}
            cluster={cluster}
            flights={rates ? [] : flightsAt(state, displayNow)}
            rates={rates}
            selected={selection.node}
            onSelect={inspect}
            highlight={replicas}
            verdicts={verdicts}
          />
          <MembershipPanel state={state} cluster={cluster} />
        </div>
        <div className="stack">
          <ClientPanel
            client={client}
            order={order}
            ringNodes={members}
            settings={settings}
            selectedKey={selection.key}
            onRequest={(requestId, key) => onSelect({ requestId, key })}
          />
          <RingPanel
            state={state}
            unavailable={unavailable}
            reducedMotion={reducedMotion}
            onSelect={(patch) => (patch.node ? inspect(patch.node) : onSelect(patch))}
          />
        </div>
        <div className="stack">
          <TabBar tab={tab} onTab={setTab} />
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === 'Trace' && <TracePanel state={state} onSelect={onSelect} />}
            {tab === 'Versions' && (
              <VersionsPanel
                state={state}
                cluster={cluster}
                client={client}
                onRequest={(requestId, key) => onSelect({ requestId, key })}
              />
            )}
            {tab === 'Inspector' && <InspectorPanel state={state} cluster={cluster} id={selection.node} />}
            {tab === 'Gossip' && <GossipPanel state={state} onSelect={onSelect} />}
            {tab === 'Merkle' && <MerklePanel state={state} cluster={cluster} />}
            {tab === 'Log' && <LogPanel state={state} onSelect={onSelect} />}
            {tab === 'Faults' && <FaultsPanel state={state} cluster={cluster} onSelect={onSelect} />}
            {tab === 'Settings' && <SettingsPanel state={state} cluster={cluster} />}
            {tab === 'Runs' && (
              <LiveRunPanel state={state} cluster={cluster} client={client} onScenario={setSessionFile} />
            )}
            {tab === 'Runs' && (
              <Suspense fallback={<p className="muted">Loading the scenario runner…</p>}>
                <ScenariosPanel offered={sessionFile} />
              </Suspense>
            )}
          </div>
        </div>
      </div>
    </main>
  );
}

/** Tabs as WAI-ARIA describes them: one tab stop, ←/→/Home/End move between tabs. */
function TabBar({ tab, onTab }: { tab: Tab; onTab: (tab: Tab) => void }) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKeyDown = (e: KeyboardEvent) => {
    const i = tabs.indexOf(tab);
    const next =
      e.key === 'ArrowRight'
        ? tabs[(i + 1) % tabs.length]
        : e.key === 'ArrowLeft'
          ? tabs[(i + tabs.length - 1) % tabs.length]
          : e.key === 'Home'
            ? tabs[0]
            : e.key === 'End'
              ? tabs[tabs.length - 1]
              : undefined;
    if (!next) return;
    e.preventDefault();
    onTab(next);
    refs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label="Lab panels" className="tabs" onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <button
          key={t}
          ref={(el) => {
            refs.current[t] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${t}`}
          aria-selected={tab === t}
          aria-controls={`panel-${t}`}
          tabIndex={tab === t ? 0 : -1}
          onClick={() => onTab(t)}
          data-testid={`tab-${t.toLowerCase()}`}
        >
          {t}
        </button>
      ))}
    </div>
  );
}
