/**
 * The Versions tab (SPEC §2 "versions and conflicts"): for one key, the graph of its versions with
 * their vector clocks (VersionGraphView), siblings highlighted, and a merge that writes the resolved
 * version. Truthful by construction: once a second (and after a merge) the page reads the key from
 * every running replica's own store (`storedVersions`, no quorum, no messages), and draws what they
 * hold beside the versions it saw in earlier readings (versionMemory.ts), which the replicas
 * themselves no longer keep.
 *
 * Merge writes one value through the page's client with the context of every latest version shown
 * (their clocks merged), so the new version's writer has seen them all and every replica that
 * stores it drops them — exactly what a client does with a get's siblings, over every replica.
 */

import { contextOf, type NodeId, type Version } from '@kvscope/engine';
import { VersionGraphView, versionGraph } from '@kvscope/ui';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LabClient } from '../live/labClient.ts';
import { textOf } from '../live/labClient.ts';
import type { LabState } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import { versionMemory } from '../live/versionMemory.ts';

/** How often the open tab reads the key's replicas (ms). */
export const versionsReadIntervalMs = 1_000;

interface Reading {
  key: string;
  held: Record<NodeId, Version[]>;
  /** Replicas that hold hinted versions of the key for another replica. */
  hinting: NodeId[];
  /** Nodes not read (down) or whose read failed, with why. */
  unread: string[];
}

interface Props {
  state: LabState;
  cluster: LiveCluster;
  client: LabClient;
  onRequest: (requestId: string, key: string) => void;
}

/** Reads `key` from every node in `order` and remembers what they hold. */
async function readReplicas(cluster: LiveCluster, order: readonly NodeId[], key: string): Promise<Reading> {
  const reading: Reading = { key, held: {}, hinting: [], unread: [] };
  const answers = await Promise.all(order.map((id) => cluster.storedVersions(id, [key]).then((a) => a?.[0])));
  for (const [i, id] of order.entries()) {
    const answer = answers[i];
    if (!answer) reading.unread.push(`${id} (not running)`);
    else if ('error' in answer) reading.unread.push(`${id} (${answer.error})`);
    else {
      const versions = [...answer.stored, ...answer.hinted];
      if (versions.length > 0) reading.held[id] = versions;
      if (answer.hinted.length > 0) reading.hinting.push(id);
      versionMemory.remember(key, versions);
    }
  }
  return reading;
}

export function VersionsPanel({ state, cluster, client, onRequest }: Props) {
  const [key, setKey] = useState(state.selection.key ?? 'apple');
  const [value, setValue] = useState('merged');
  const [reading, setReading] = useState<Reading | null>(null);
  const [result, setResult] = useState<string | null>(null);
  useEffect(() => {
    if (state.selection.key) setKey(state.selection.key);
  }, [state.selection.key]);
  const order = state.order;
  versionMemory.since(state.clusterWipes);
  const readNow = useCallback(() => {
    if (key) void readReplicas(cluster, order, key).then(setReading);
  }, [cluster, order, key]);
  useEffect(() => {
    readNow();
    const timer = setInterval(readNow, versionsReadIntervalMs);
    return () => clearInterval(timer);
  }, [readNow]);
  const current = reading?.key === key ? reading : null;
  const graph = useMemo(() => versionGraph(versionMemory.seen(key), current?.held ?? {}), [key, current]);
  const siblings = graph.nodes.filter((n) => n.status === 'sibling');

  const merge = async () => {
    setResult(null);
    const pending = client.put(key, value, { context: contextOf(siblings.map((n) => n.version)) });
    if (client.lastRequestId) onRequest(client.lastRequestId, key);
    const reply = await pending;
    setResult(
      reply.ok
        ? `✓ merged ${siblings.length} siblings into “${value}” (acknowledged by ${'ackedBy' in reply ? reply.ackedBy.join(', ') : reply.coordinator})`
        : `✕ merge failed (${reply.error.code}): ${reply.error.message}`,
    );
    readNow();
  };

  return (
    <section
      className="panel versions-panel"
      aria-label="Versions and conflicts"
      data-testid="versions-panel"
    >
      <h2>Versions and conflicts</h2>
      <div className="form-row wrap">
        <label>
          Key{' '}
          <input value={key} onChange={(e) => setKey(e.target.value)} size={10} data-testid="versions-key" />
        </label>
        <span className="muted small">every replica read once a second from its own store</span>
      </div>
      <VersionGraphView graph={graph} text={(v) => textOf(v) ?? ''} selectedNode={state.selection.node} />
      {siblings.length > 1 && (
        <div className="form-row wrap" data-testid="versions-merge-row">
          <label>
            Value{' '}
            <input
              value={value}
              onChange={(e) => setValue(e.target.value)}
              size={8}
              data-testid="versions-value"
            />
          </label>
          <button type="button" onClick={() => void merge()} data-testid="versions-merge">
            Merge {siblings.length} siblings as “{value}”
          </button>
        </div>
      )}
      {result && (
        <output className="small block" data-testid="versions-result">
          {result}
        </output>
      )}
      <p className="muted small" data-testid="versions-legend">
        An arrow runs from a version to a newer one whose writer had seen it. <b>latest</b>: what a read
        returns; <b>sibling</b>: concurrent latest writes, all kept until a client merges them; <b>stale</b>:
        a replica missed a newer write; <b>replaced</b>: no replica holds it (the page saw it earlier; a
        version replaced between two readings is not shown).
        {current &&
          current.hinting.length > 0 &&
          ` Hints for this key held by ${current.hinting.join(', ')}.`}
        {current && current.unread.length > 0 && ` Not read: ${current.unread.join(', ')}.`}
      </p>
    </section>
  );
}
