/**
 * How the lab runs: the network speed (the delay on every link, from classroom speed to full speed;
 * the request timeout follows it), the background workload (rate, keys, read/write mix, pause), and
 * the cluster settings (N, R, W, virtual nodes, conflict mode), applied by restarting every node and
 * refused with a sentence when impossible. "Reset cluster" wipes every disk. With two data centres,
 * N is the sum of the replicas per data centre (shown, not typed).
 */

import { formatCompactCount, formatCount } from '@kvscope/ui';
import { useState } from 'react';
import { type DataCentreName, dataCentreNames, evenSplit, layoutChanged } from '../live/dataCentres.ts';
import type { LabState } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import {
  type ClusterSettings,
  memtableLabel,
  memtableSizes,
  quorumNote,
  requestTimeoutFor,
  settingsProblem,
} from '../live/settings.ts';
import type { Workload } from '../live/workload.ts';

export const speeds = [
  { label: 'Classroom · 400 ms', delayMs: 400 },
  { label: 'Slow · 150 ms', delayMs: 150 },
  { label: 'Fast · 20 ms', delayMs: 20 },
  { label: 'Full speed · 0 ms', delayMs: 0 },
];

/** The speeds, and the delay a `?delay=` link set when it is none of them: the control shows the truth. */
function speedsWith(delayMs: number) {
  return speeds.some((s) => s.delayMs === delayMs)
    ? speeds
    : [...speeds, { label: `From the link · ${delayMs} ms`, delayMs }].sort((a, b) => b.delayMs - a.delayMs);
}

export function RunControls({
  state,
  cluster,
  workload,
}: {
  state: LabState;
  cluster: LiveCluster;
  workload: Workload;
}) {
  const w = state.workload;
  return (
    <section className="controls" aria-label="Run controls">
      <label>
        Network{' '}
        <select
          value={state.linkDelayMs}
          onChange={(e) => void cluster.setLinkDelay(Number(e.target.value))}
          data-testid="network-speed"
          title={`The delay on every link, each hop a message makes; the request timeout follows it (now ${requestTimeoutFor(state.linkDelayMs)} ms)`}
        >
          {speedsWith(state.linkDelayMs).map((s) => (
            <option key={s.delayMs} value={s.delayMs}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        onClick={() => workload.set({ running: !w.running })}
        aria-pressed={!w.running}
        data-testid="workload-toggle"
      >
        {w.running ? 'Pause workload' : 'Resume workload'}
      </button>
      <label>
        rate{' '}
        <select
          value={w.rate}
          onChange={(e) => workload.set({ rate: Number(e.target.value) })}
          data-testid="workload-rate"
        >
          {[0.5, 1, 2, 5, 20, 100, 500].map((r) => (
            <option key={r} value={r}>
              {r} ops/s
            </option>
          ))}
        </select>
      </label>
      <label>
        keys{' '}
        <select
          value={w.keys}
          onChange={(e) => workload.set({ keys: Number(e.target.value) })}
          data-testid="workload-keys"
        >
          {[5, 20, 100, 1000].map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label>
        mix{' '}
        <select
          value={w.readFraction}
          onChange={(e) => workload.set({ readFraction: Number(e.target.value) })}
          data-testid="workload-mix"
        >
          {[0, 0.5, 0.9, 1].map((f) => (
            <option key={f} value={f}>
              {Math.round(f * 100)}% reads
            </option>
          ))}
        </select>
      </label>
      {/* Its own box, which wraps within the controls' line height rather than onto a line of its
          own: at four-digit counts the whole page jumped 20 px down under the pointer. */}
      <span className="muted ops-counts" data-testid="ops" title={opsTitle(state.ops)}>
        <span>{formatCompactCount(state.ops.ok)} ok</span> ·{' '}
        <span>{formatCompactCount(state.ops.fail)} failed</span> ·{' '}
        <span>{formatCompactCount(state.ops.info)} unknown</span>
      </span>
    </section>
  );
}

function opsTitle(ops: LabState['ops']): string {
  return `Requests answered so far, yours and the workload's: ${formatCount(ops.ok)} ok, ${formatCount(ops.fail)} failed, ${formatCount(ops.info)} with an unknown outcome (timed out: they may or may not have taken effect)`;
}

/** The settings chosen from a list of modes. */
type ModeField = 'conflictMode' | 'quorum' | 'detector' | 'readRepair';

const conflictModes = [
  { value: 'siblings', label: 'vector clocks (siblings)' },
  { value: 'lww', label: 'last write wins' },
] as const;

const quorumModes = [
  { value: 'sloppy', label: 'sloppy (stand-ins with hints)' },
  { value: 'strict', label: 'strict (only the N replicas)' },
] as const;

const detectors = [
  { value: 'gossip', label: 'gossip (down once two report it)' },
  { value: 'local', label: 'local (its own silence timer)' },
  { value: 'phi', label: 'phi accrual (φ ≥ 8, Cassandra)' },
] as const;

const readRepairModes = [
  { value: 'before-reply', label: 'before the reply' },
  { value: 'after-reply', label: 'after the reply' },
] as const;

/** One line on what the read-repair choice means for a reader. */
function readRepairNote(mode: ClusterSettings['readRepair']): string {
  return mode === 'before-reply'
    ? 'A read that finds stale replicas first copies what it will show to enough of them, so your next read cannot go back in time.'
    : 'A read answers at once and fixes stale replicas afterwards; if that fix is lost, your next read may show an older value.';
}

/** One line on what the conflict mode does with two writes neither of which saw the other. */
function conflictNote(mode: ClusterSettings['conflictMode']): string {
  return mode === 'siblings'
    ? 'Two writes neither of which saw the other are both kept, as siblings a read returns for the client to merge.'
    : 'Each replica keeps only the version with the latest timestamp: of two concurrent writes one is dropped without a word, and a node whose clock runs behind loses even a later write.';
}

/** One or two data centres, and with two the replicas each keeps (N is their sum). */
function DataCentreFields({
  draft,
  setDraft,
}: {
  draft: ClusterSettings;
  setDraft: (s: ClusterSettings) => void;
}) {
  const setReplicas = (dc: DataCentreName, k: number) => {
    const replicasPerDc = { ...draft.replicasPerDc, [dc]: k };
    setDraft({ ...draft, replicasPerDc, n: replicasPerDc.west + replicasPerDc.east });
  };
  return (
    <div className="form-row wrap">
      <label>
        data centres{' '}
        <select
          value={draft.dataCentres}
          onChange={(e) => {
            if (e.target.value === '1') return setDraft({ ...draft, dataCentres: 1 });
            const replicasPerDc = evenSplit(draft.n);
            setDraft({ ...draft, dataCentres: 2, replicasPerDc, n: replicasPerDc.west + replicasPerDc.east });
          }}
          data-testid="setting-dataCentres"
        >
          <option value="1">one</option>
          <option value="2">two: west and east</option>
        </select>
      </label>
      {draft.dataCentres === 2 &&
        dataCentreNames.map((dc) => (
          <label key={dc}>
            replicas in {dc}{' '}
            <input
              type="number"
              min={1}
              max={9}
              value={draft.replicasPerDc[dc]}
              onChange={(e) => setReplicas(dc, Number(e.target.value))}
              data-testid={`setting-replicas-${dc}`}
              style={{ width: '4em' }}
            />
          </label>
        ))}
    </div>
  );
}

export function SettingsPanel({ state, cluster }: { state: LabState; cluster: LiveCluster }) {
  const [draft, setDraft] = useState<ClusterSettings>(state.settings);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [applying, setApplying] = useState(false);
  const problem = settingsProblem(draft);
  const number = (field: keyof ClusterSettings, label: string, max: number) => (
    <label>
      {label}{' '}
      <input
        type="number"
        min={1}
        max={max}
        value={draft[field] as number}
        onChange={(e) => setDraft({ ...draft, [field]: Number(e.target.value) })}
        data-testid={`setting-${field}`}
        style={{ width: '4em' }}
      />
    </label>
  );
  /** A select of one mode setting (conflicts, quorum, detector, read repair): its options as labelled. */
  const modeSelect = <K extends ModeField>(
    field: K,
    label: string,
    options: readonly { value: ClusterSettings[K]; label: string }[],
    describedBy?: string,
  ) => (
    <label>
      {label}{' '}
      <select
        value={draft[field]}
        onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
        aria-describedby={describedBy}
        data-testid={`setting-${field}`}
      >
        {options.map((m) => (
          <option key={m.value} value={m.value}>
            {m.label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section className="panel" aria-label="Cluster settings">
      <h2>Cluster settings</h2>
      <DataCentreFields draft={draft} setDraft={setDraft} />
      {layoutChanged(state.settings, draft, state.order) && (
        <p className="small" data-testid="settings-dc-wipe">
          A new data-centre layout starts every node on an empty disk: a node keeps the data centres saved
          with its ring on disk, so the keys stored so far are dropped.
        </p>
      )}
      <div className="form-row wrap">
        {draft.dataCentres === 2 ? (
          <label title="With two data centres, N is the sum of the replicas per data centre">
            N{' '}
            <output data-testid="setting-n-sum">
              = {draft.n} (west {draft.replicasPerDc.west} + east {draft.replicasPerDc.east})
            </output>
          </label>
        ) : (
          number('n', 'N', 9)
        )}
        {number('r', 'R', 9)}
        {number('w', 'W', 9)}
        {number('virtualNodes', 'virtual nodes', 64)}
        {modeSelect('conflictMode', 'conflicts', conflictModes, 'conflicts-note')}
        {modeSelect('quorum', 'quorum', quorumModes)}
        {modeSelect('detector', 'failure detector', detectors)}
        {modeSelect('readRepair', 'read repair', readRepairModes, 'read-repair-note')}
        <label>
          memtable{' '}
          <select
            value={draft.memtableBytes}
            onChange={(e) => setDraft({ ...draft, memtableBytes: Number(e.target.value) })}
            aria-describedby="memtable-note"
            data-testid="setting-memtableBytes"
          >
            {memtableSizes.map((bytes) => (
              <option key={bytes} value={bytes}>
                {memtableLabel(bytes)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted small" id="conflicts-note" data-testid="conflicts-note">
        {conflictNote(draft.conflictMode)}
      </p>
      <p className="muted small" id="read-repair-note" data-testid="read-repair-note">
        {readRepairNote(draft.readRepair)}
      </p>
      <p className="muted small" id="memtable-note" data-testid="memtable-note">
        {`A node writes its memtable out as a table once it holds ${memtableLabel(draft.memtableBytes)}; `}
        {draft.memtableBytes < 64 * 1024
          ? 'tables and compactions appear while the workload runs.'
          : 'at this size the workload fills it slowly: flush by hand in the inspector.'}
      </p>
      <p
        className={problem ? 'refusal' : 'muted small'}
        role={problem ? 'alert' : undefined}
        data-testid="settings-note"
      >
        {problem ?? refusal ?? quorumNote(draft)}
      </p>
      <div className="form-row wrap">
        <button
          type="button"
          disabled={problem !== null || applying}
          onClick={() => {
            setApplying(true);
            void cluster
              .applySettings(draft)
              .then(setRefusal)
              .finally(() => setApplying(false));
          }}
          data-testid="apply-settings"
        >
          {applying ? 'Applying: every node restarts…' : 'Apply (restarts every node)'}
        </button>
        <button
          type="button"
          onClick={() => {
            if (window.confirm('Reset the cluster? Every node’s disk is wiped.')) void cluster.reset();
          }}
          data-testid="reset-cluster"
        >
          Reset cluster
        </button>
      </div>
      <p className="muted small">
        To add or remove one node while the cluster runs, use Membership (under the cluster).
      </p>
    </section>
  );
}
