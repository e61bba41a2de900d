/**
 * "This live run", at the top of the Runs tab: the history the page's client has recorded since the
 * cluster last started afresh, checked on demand by the same Jepsen-style checkers as a simulated
 * run (live/liveRunCheck.ts), property by property, and downloadable in the same format. Kill nodes
 * while the workload writes, restart them, then check: "no acknowledged write lost" is judged on
 * the real cluster's history and its replicas' final contents.
 *
 * Before checking, the panel says what the check will read and what would weaken the verdict: a
 * crashed node (read from its files, not restarted), a starting one (not read), hints still held
 * (counted where they are held), requests in flight (indeterminate).
 *
 * The session can also leave as a scenario file (live/sessionScenario.ts): saved, or replayed at
 * once in the deterministic simulator below it — the same settings, workload and faults, the same
 * run for the same seed.
 */

import { plural } from '@kvscope/ui';
import { useState } from 'react';
import type { LabClient } from '../live/labClient.ts';
import type { LabState } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import type { CheckedLiveRun } from '../live/liveRunCheck.ts';
import { sessionScenario } from '../live/sessionScenario.ts';
import { sharedNow } from '../shared/workerApi.ts';
import { formatLabTime } from './formatTime.ts';
import type { Chosen } from './ScenariosPanel.tsx';

interface Props {
  state: LabState;
  cluster: LiveCluster;
  client: LabClient;
  /** Hands this session, as a scenario file, to the scenario runner (which runs it). */
  onScenario: (file: Chosen) => void;
}

export function LiveRunPanel({ state, cluster, client, onScenario }: Props) {
  const [report, setReport] = useState<CheckedLiveRun | null>(null);
  const [checking, setChecking] = useState(false);
  const live = client.liveHistory();
  const operations = live.operations;
  // A paused worker still answers the read (only its node's inputs are held); a crashed node's
  // files are read apart; a starting one's are locked by the worker opening them.
  const starting = state.order.filter((id) => state.nodes[id]?.status === 'starting');
  const crashed = state.order.filter((id) => state.nodes[id]?.status === 'crashed');
  const check = async () => {
    setChecking(true);
    // The checkers load when first asked for: the page opens without them.
    const { checkLiveRun } = await import('../live/liveRunCheck.ts');
    setReport(await checkLiveRun(live, cluster, state));
    setChecking(false);
  };
  const download = () => {
    if (report)
      saveFile(
        report.text,
        `kvscope-live-run-${new Date(report.checkedAt).toISOString().replace(/[:.]/g, '-')}.json`,
      );
  };
  const asScenario = () =>
    `${JSON.stringify(sessionScenario(state, { startedAt: live.startedAt, now: sharedNow() }), null, 2)}\n`;
  return (
    <section className="panel" aria-label="This live run" data-testid="live-run">
      <h2>This live run</h2>
      <p className="small" data-testid="live-run-size">
        {plural(operations, 'operation')} recorded since {formatLabTime(live.startedAt)}
        {live.skipped > 0 && ` (the history is full: ${live.skipped} later ones not recorded)`}. Check them
        with the same checkers as a simulated run.
        {live.settingsRun.length > 1 &&
          ` The cluster ran under ${live.settingsRun.length} settings since, on the same disks: a check promises only what every one of them does.`}
      </p>
      {crashed.length > 0 && (
        <p className="small" data-testid="live-run-crashed">
          {crashed.join(', ')} {crashed.length === 1 ? 'is' : 'are'} crashed: a check reads{' '}
          {crashed.length === 1 ? 'its files' : 'their files'} as a restart would find them, without
          restarting.
        </p>
      )}
      {starting.length > 0 && (
        <p className="small fail-text" data-testid="live-run-down">
          {starting.join(', ')} {starting.length === 1 ? 'is' : 'are'} starting: a check cannot read{' '}
          {starting.length === 1 ? 'its disk' : 'their disks'} yet, so writes held only there would look lost.
        </p>
      )}
      <div className="form-row">
        <button
          type="button"
          onClick={() => void check()}
          disabled={checking || operations === 0}
          data-testid="live-run-check"
        >
          {checking ? 'Checking…' : 'Check this run'}
        </button>
        <button type="button" onClick={download} disabled={!report} data-testid="live-run-download">
          Download run (JSON)
        </button>
      </div>
      <div className="form-row">
        <button
          type="button"
          onClick={() =>
            onScenario({ text: asScenario(), path: 'live-session.json', label: 'this live session' })
          }
          title="The same settings, workload and faults, run in the deterministic simulator"
          data-testid="live-run-replay"
        >
          Replay in the simulator
        </button>
        <button
          type="button"
          onClick={() => saveFile(asScenario(), 'live-session.json')}
          data-testid="live-run-scenario"
        >
          Save as a scenario
        </button>
      </div>
      {report && <Verdicts report={report} />}
    </section>
  );
}

/** Downloads `text` as a JSON file named `name`. */
function saveFile(text: string, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}

function Verdicts({ report }: { report: CheckedLiveRun }) {
  const { results } = report.checkers;
  return (
    <div data-testid="live-run-verdicts">
      <p className={report.valid ? 'ok-text' : 'fail-text'} data-testid="live-run-valid">
        {report.valid ? '✓ every promised property held' : '✕ a promised property was violated'} over{' '}
        {plural(report.history.filter((op) => op.type === 'invoke').length - report.foundBefore, 'operation')}
        {report.foundBefore > 0 &&
          ` (reading ${plural(report.foundBefore, 'version')} written before this run began, on the disks since an earlier visit)`}
        {report.readFromDisk.length > 0 &&
          ` (crashed, read from their files: ${report.readFromDisk.join(', ')})`}
        {report.downAtEnd.length > 0 && ` (not read: ${report.downAtEnd.join(', ')})`}
      </p>
      <table className="small">
        <tbody>
          {results.map((r) => (
            <tr key={`${r.property}-${r.name}`} data-testid={`live-run-${r.property}`}>
              <td>{r.property}</td>
              <td>{r.name}</td>
              <td className={r.valid ? 'ok-text' : r.promised ? 'fail-text' : 'muted'}>
                {r.valid ? 'held' : `${r.violationCount} violation${r.violationCount === 1 ? '' : 's'}`}
                {r.promised ? '' : ' (not promised here)'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
