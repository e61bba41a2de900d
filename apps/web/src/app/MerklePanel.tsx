/**
 * The Merkle-diff tab (MerkleDiff): the recent anti-entropy exchanges, newest first, and the chosen
 * one drawn as the tree its comparison walked, with its traffic beside what a full digest list would
 * have cost. Background rounds between equal replicas are hidden unless asked for: they run every
 * few seconds and say only "the roots were equal".
 *
 * Shown first: the newest repair whose comparison went below the root, else the newest repair, else
 * the newest exchange; a click on the list chooses another.
 *
 * Until some exchange has found a difference, the tab says how to make one (wipe a node, or
 * partition and heal, then repair), with the Repair-now button right there.
 */

import { MerkleDiff, rangeLabel } from '@kvscope/ui';
import { useState } from 'react';
import type { LabState } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import {
  averageKeyBytes,
  keysInRange,
  type MerkleExchange,
  newestFirst,
  isQuiet as quiet,
} from '../live/merkleExchanges.ts';

/** The key length assumed for the full-exchange estimate when the page has seen no key. */
const keyBytesFallback = 8;

/** The comparison went below the root: the most telling exchange to show first. */
const descended = (x: MerkleExchange) => x.levels.some((l) => l.depth > 0 && l.differing > 0);

function summary(x: MerkleExchange): string {
  const where = rangeLabel(x.range).replace(' of the ring', '');
  if (!x.done) return `${x.initiator} ↔ ${x.peer} · ${where} · running…`;
  const d = x.done;
  return `${x.initiator} ↔ ${x.peer} · ${where} · ${d.outcome} · ${d.keysRepaired} key${d.keysRepaired === 1 ? '' : 's'} · ${d.bytes} B · ${d.messages} msg · ${Math.round(d.durationMs)} ms`;
}

/** Keys in the range: the larger of the two replicas' counts in their latest snapshots. */
function rangeKeys(state: LabState, x: MerkleExchange): number | null {
  const counts = [x.initiator, x.peer]
    .map((id) => keysInRange(state.snapshots[id], x.range))
    .filter((n): n is number => n !== null);
  return counts.length ? Math.max(...counts) : null;
}

export function MerklePanel({ state, cluster }: { state: LabState; cluster: LiveCluster }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [showInSync, setShowInSync] = useState(false);
  const all = newestFirst(state.exchanges);
  const listed = showInSync ? all : all.filter((x) => !quiet(x));
  const found = all.some((x) => x.done?.outcome === 'repaired' || x.levels.some((l) => l.differing > 0));
  const repaired = listed.filter((x) => x.done?.outcome === 'repaired');
  const shown =
    listed.find((x) => x.key === chosen) ?? repaired.find(descended) ?? repaired[0] ?? listed[0] ?? null;
  return (
    <section className="panel merkle-panel" aria-label="Merkle diff" data-testid="merkle-panel">
      <h2>Merkle diff</h2>
      <div className="form-row">
        <button
          type="button"
          onClick={() => void cluster.repairNow()}
          data-testid="merkle-repair-now"
          title="Anti-entropy now: every node compares Merkle trees with its replicas and copies what differs"
        >
          Repair now
        </button>
        <label className="small">
          <input
            type="checkbox"
            checked={showInSync}
            onChange={(e) => setShowInSync(e.target.checked)}
            data-testid="merkle-show-in-sync"
          />{' '}
          show in-sync ({all.filter(quiet).length})
        </label>
      </div>
      {found ? null : (
        <p className="merkle-empty" data-testid="merkle-empty">
          No exchange has found a difference yet: the replicas agree. Wipe a node (Faults) or partition and
          heal, then press <strong>Repair now</strong> to watch the comparison descend into what differs.
        </p>
      )}
      {listed.length > 0 ? (
        <ul className="merkle-list" aria-label="Recent exchanges, newest first" data-testid="merkle-list">
          {listed.map((x) => (
            <li key={x.key} className={x === shown ? 'selected' : undefined}>
              <button
                type="button"
                className="link"
                aria-pressed={x === shown}
                onClick={() => setChosen(x.key)}
                data-testid="merkle-exchange"
                data-key={x.key}
                data-outcome={x.done?.outcome ?? 'running'}
              >
                {summary(x)}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {shown ? (
        <MerkleDiff
          exchange={shown}
          rangeKeys={rangeKeys(state, shown)}
          keyBytes={averageKeyBytes(state.keys, keyBytesFallback)}
        />
      ) : null}
    </section>
  );
}
