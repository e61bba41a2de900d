/**
 * The client controls: put / get / delete a key through a chosen coordinator with per-request R or
 * W, and the answer as the store gave it — every sibling with its vector clock, the context to
 * write back, which replicas answered — plus the key's preference list (its N replicas on the ring).
 * When a get returns siblings, "Merge" writes one value back with the merged context, so the new
 * version descends from all of them (SPEC 1.5).
 *
 * With two data centres the replicas are listed per data centre (the engine's `replicasFor` with the
 * same placement as the nodes), R/W offers LOCAL_QUORUM and EACH_QUORUM, and the answer counts the
 * acknowledging replicas per data centre.
 */

import {
  buildRing,
  extendedPreferenceList,
  type GetOk,
  type KvReply,
  type NodeId,
  replicasFor,
  seenBy,
  type VectorClock,
  type Version,
} from '@kvscope/engine';
import { NodeOptions, plural } from '@kvscope/ui';
import { useEffect, useMemo, useState } from 'react';
import { dataCentreMap, placementFor, ringMembers } from '../live/dataCentres.ts';
import { type LabClient, textOf } from '../live/labClient.ts';
import type { ClusterSettings } from '../live/settings.ts';
import { formatLabTime } from './formatTime.ts';

export const formatClock = (clock: VectorClock): string =>
  clock.length ? `[${clock.map((e) => `${e.node}:${e.counter}`).join(', ')}]` : '[]';

interface Props {
  client: LabClient;
  order: readonly NodeId[];
  /** The nodes on the ring, which place the key: a joining node is not a replica until it serves. */
  ringNodes: readonly NodeId[];
  settings: ClusterSettings;
  /** The linked selection's key: choosing a key on the ring or in the log fills it in here. */
  selectedKey: string | null;
  onRequest: (requestId: string, key: string) => void;
}

export function ClientPanel({ client, order, ringNodes, settings, selectedKey, onRequest }: Props) {
  const [key, setKey] = useState('apple');
  useEffect(() => {
    if (selectedKey) setKey(selectedKey);
  }, [selectedKey]);
  const [value, setValue] = useState('red');
  const [coordinator, setCoordinator] = useState<string>('');
  const [quorum, setQuorum] = useState<string>('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState(false);
  const ring = useMemo(
    () => buildRing(ringMembers(settings, ringNodes), { virtualNodes: settings.virtualNodes }),
    [ringNodes, settings],
  );
  const twoDcs = settings.dataCentres === 2;
  const dcOf = dataCentreMap(settings, order);
  const replicas = !key
    ? null
    : twoDcs
      ? replicasFor(ring, key, placementFor(settings))
      : extendedPreferenceList(ring, key, settings.n);
  const levels = twoDcs ? ['LOCAL_QUORUM', 'EACH_QUORUM'] : [];

  const run = async (op: 'get' | 'put' | 'delete' | 'merge') => {
    setBusy(true);
    const options = {
      ...(coordinator ? { coordinator: coordinator as NodeId } : {}),
      ...(quorum ? levelOptions(quorum) : {}),
    };
    const sent = (pending: Promise<KvReply>) => {
      if (client.lastRequestId) onRequest(client.lastRequestId, key);
      return pending;
    };
    const answered = (reply: KvReply, read?: ContextRead) => {
      setAnswer({ key, reply, ...(read ? { read } : {}) });
      setBusy(false);
    };
    if (op === 'get') return answered(await sent(client.get(key, options)));
    if (op === 'put') return answered(await sent(client.put(key, value, options)));
    // A delete or a merge writes with the context of this key's last get. With none, a delete reads
    // first, as Riak's delete does: a tombstone without a context only stands beside the versions.
    const last = lastGetOf(answer, key)?.context;
    let read: ContextRead = { context: last ?? [], from: 'your last get' };
    if (!last) {
      const before = await sent(client.get(key, options));
      if (!before.ok || before.type !== 'get') return answered(before, { context: [], from: 'failed' });
      read = { context: before.context, from: 'a get just before' };
    }
    const write = { ...options, context: read.context };
    answered(await sent(op === 'merge' ? client.put(key, value, write) : client.delete(key, write)), read);
  };

  const siblings = lastGetOf(answer, key)?.siblings ?? [];
  return (
    <section className="panel client" aria-label="Client">
      <h2>Client: put, get, delete a key</h2>
      <div className="form-row wrap">
        <label>
          Key <input value={key} onChange={(e) => setKey(e.target.value)} data-testid="client-key" size={8} />
        </label>
        <label>
          Value{' '}
          <input
            value={value}
            onChange={(e) => setValue(e.target.value)}
            data-testid="client-value"
            size={8}
          />
        </label>
        <label>
          via{' '}
          <select
            value={coordinator}
            onChange={(e) => setCoordinator(e.target.value)}
            data-testid="client-node"
          >
            <option value="">any node</option>
            <NodeOptions ids={order} />
          </select>
        </label>
        <label title="Replicas that must answer a get (R) or acknowledge a put/delete (W) for this request">
          R/W{' '}
          <select value={quorum} onChange={(e) => setQuorum(e.target.value)} data-testid="client-quorum">
            <option value="">
              R={settings.r}, W={settings.w}
            </option>
            {Array.from({ length: settings.n }, (_, i) => i + 1).map((count) => (
              <option key={count} value={count}>
                {count}
              </option>
            ))}
            {levels.map((level) => (
              <option key={level} value={level}>
                {level}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="form-row">
        <button type="button" disabled={busy} onClick={() => void run('put')} data-testid="client-put">
          Put
        </button>
        <button type="button" disabled={busy} onClick={() => void run('get')} data-testid="client-get">
          Get
        </button>
        <button type="button" disabled={busy} onClick={() => void run('delete')} data-testid="client-delete">
          Delete
        </button>
        {siblings.length > 1 && (
          <button type="button" disabled={busy} onClick={() => void run('merge')} data-testid="client-merge">
            Merge {siblings.length} siblings as “{value}”
          </button>
        )}
      </div>
      {replicas && (
        <p className="replicas" data-testid="client-replicas">
          Replicas of <b>{key}</b>:{' '}
          {'byDataCentre' in replicas && replicas.byDataCentre
            ? Object.entries(replicas.byDataCentre)
                .map(([dc, nodes]) => `${dc} ${nodes.join(', ')}`)
                .join(' · ')
            : replicas.nodes.join(', ')}
          {replicas.underReplicated ? ' (under-replicated: N exceeds the nodes)' : ''}
          <span className="muted"> · fallbacks {replicas.fallbacks.join(', ') || 'none'}</span>
        </p>
      )}
      <ReplyView answer={answer} dcOf={dcOf} stamps={settings.conflictMode === 'lww'} />
    </section>
  );
}

/** The request's R and W: a count, or a data-centre level. */
function levelOptions(quorum: string) {
  const level = /^\d+$/.test(quorum) ? Number(quorum) : (quorum as 'LOCAL_QUORUM' | 'EACH_QUORUM');
  return { r: level, w: level };
}

/**
 * "n1, n2 (standing in for n5)": the nodes, each stand-in with the owner it stood in for (sloppy
 * quorum), so that a node that is none of the key's replicas is not a puzzle. `held` follows a write's.
 */
function withStandIns(
  nodes: readonly string[],
  standIns: Readonly<Record<string, string>> = {},
  held = '',
): string {
  return nodes.map((id) => (standIns[id] ? `${id} (standing in for ${standIns[id]}${held})` : id)).join(', ');
}

/** " (west 2, east 1)": how many of `nodes` are in each data centre; empty with one. */
function perDc(nodes: readonly string[], dcOf: Record<string, string> | null): string {
  if (!dcOf) return '';
  const counts = new Map<string, number>([
    ['west', 0],
    ['east', 0],
  ]);
  for (const id of nodes) {
    const dc = dcOf[id];
    if (dc) counts.set(dc, (counts.get(dc) ?? 0) + 1);
  }
  return ` (${[...counts].map(([dc, k]) => `${dc} ${k}`).join(', ')})`;
}

/** "saw nothing" or "saw [n1:2]": the context the version was written with (engine `seenBy`). */
function sawText(version: Version): string {
  const seen = seenBy(version);
  return seen.length ? `saw ${formatClock(seen)}` : 'saw nothing';
}

/** Where a delete's or a merge's context came from; `failed`: the read before a delete failed. */
interface ContextRead {
  context: VectorClock;
  from: 'your last get' | 'a get just before' | 'failed';
}

/** The panel's last answer, with the key it is for (the key field may have changed since). */
interface Answer {
  key: string;
  reply: KvReply;
  read?: ContextRead;
}

/** The last answer when it was a successful get of `key`: its siblings and context are this key's. */
function lastGetOf(answer: Answer | null, key: string): GetOk | null {
  const reply = answer?.key === key ? answer.reply : null;
  return reply?.ok && reply.type === 'get' ? reply : null;
}

/** `stamps`: say when each version was stamped (last-write-wins keeps the latest stamp). */
function ReplyView({
  answer,
  dcOf,
  stamps,
}: {
  answer: Answer | null;
  dcOf: Record<string, string> | null;
  stamps: boolean;
}) {
  if (!answer) return <p className="muted">No request yet. Put a key, then get it back.</p>;
  const { key, reply, read } = answer;
  const forKey = key ? <b className="reply-key">{key}</b> : null;
  if (!reply.ok) {
    return (
      <output className="reply failed" data-testid="client-result">
        {forKey} ✕ {reply.type} {reply.outcome === 'info' ? 'outcome unknown' : 'failed'} ({reply.error.code}
        ): {reply.error.message}
        {read?.from === 'failed' && (
          <span className="muted small block">
            A delete first reads the key for its context; that read failed, so nothing was deleted.
          </span>
        )}
      </output>
    );
  }
  if (reply.type !== 'get') {
    return (
      <output className="reply ok" data-testid="client-result">
        {forKey} ✓ {reply.type} acknowledged by{' '}
        {withStandIns(reply.ackedBy, reply.standIns, ', holding a hint')}
        {perDc(reply.ackedBy, dcOf)} via {reply.coordinator}; new clock {formatClock(reply.clock)}
        {read && (
          <span className="muted small block" data-testid="client-context-from">
            Written with the context of {read.from}, {formatClock(read.context)}: it replaces the versions
            that context covers.
          </span>
        )}
      </output>
    );
  }
  return (
    <output className="reply ok" data-testid="client-result">
      {forKey} ✓ get answered by {withStandIns(reply.answeredBy, reply.standIns)}
      {perDc(reply.answeredBy, dcOf)} via {reply.coordinator}:{' '}
      {reply.siblings.length === 0 ? 'not found' : plural(reply.siblings.length, 'version')}
      <ul className="siblings">
        {reply.siblings.map((v) => (
          <li key={formatClock(v.clock)} data-testid="client-sibling">
            <b>{v.value === null ? '(deleted: a tombstone)' : textOf(v.value)}</b>{' '}
            <code>{formatClock(v.clock)}</code> <span className="muted">{sawText(v)}</span>
            {stamps && (
              <span className="muted" data-testid="client-stamp">
                {' '}
                · stamped {formatLabTime(v.timestamp)}
                {v.writer ? ` on ${v.writer}'s clock` : ''}
              </span>
            )}
          </li>
        ))}
      </ul>
      <span className="muted">context {formatClock(reply.context)}</span>
      {reply.siblings.length > 1 && (
        <span className="muted small block" data-testid="client-siblings-why">
          Siblings: {reply.siblings.length === 2 ? 'neither write saw the other' : 'no write saw the others'},
          and a version replaces only what its writer saw, so the replicas keep{' '}
          {reply.siblings.length === 2 ? 'both' : 'all'}. A Put carries no context (it saw nothing) and adds
          one more; Merge writes one value with this context, which saw them all, and replaces them.
        </span>
      )}
    </output>
  );
}
