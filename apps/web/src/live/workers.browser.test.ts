/**
 * Real-browser checks of the two things the live driver rests on: workers talking to each other over
 * a MessageChannel, and OPFS sync access handles inside a worker. Then the live driver itself: three
 * key-value nodes started by `LiveCluster` on OPFS store a put and answer a get through the client,
 * and a start or a call that a kill interrupts still settles.
 */
import { buildRing, type NodeId, nodeIds, preferenceList } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { sharedNow } from '../shared/workerApi.ts';
import { LabClient, textOf } from './labClient.ts';
import { createLabStore } from './labStore.ts';
import { LiveCluster } from './liveCluster.ts';
import type { Running } from './nodeStartup.ts';
import type { RunningNodes } from './runningNodes.ts';
import { defaultSettings } from './settings.ts';

function probe(): Worker {
  return new Worker(new URL('../worker/testing/probe.worker.ts', import.meta.url), { type: 'module' });
}

function next(worker: Worker, type: string): Promise<{ text: string }> {
  return new Promise((resolve) => {
    const listener = (e: MessageEvent) => {
      if (e.data?.type === type) {
        worker.removeEventListener('message', listener);
        resolve(e.data);
      }
    };
    worker.addEventListener('message', listener);
  });
}

/** `count` key-value nodes (N=3, R=W=2) started by the live driver on fresh OPFS folders. */
async function startCluster(count: number, seed: number) {
  const ids = nodeIds(count);
  const settings = { nodes: count, n: 3, r: 2, w: 2, virtualNodes: 8, conflictMode: 'siblings' as const };
  const store = createLabStore(ids, 0, settings);
  const cluster = new LiveCluster(store, seed);
  await cluster.startAll({ wipe: true });
  return { ids, store, cluster };
}

describe('workers in a real browser', () => {
  it('talk to each other over a MessageChannel', async () => {
    const a = probe();
    const b = probe();
    const channel = new MessageChannel();
    a.postMessage({ type: 'port', port: channel.port1 }, [channel.port1]);
    b.postMessage({ type: 'port', port: channel.port2 }, [channel.port2]);
    const received = next(b, 'from-peer');
    a.postMessage({ type: 'send', text: 'hello from a' });
    expect((await received).text).toBe('hello from a');
    a.terminate();
    b.terminate();
  });

  it('write, flush and read back a file through an OPFS sync access handle', async () => {
    const worker = probe();
    const reply = next(worker, 'opfs');
    worker.postMessage({ type: 'opfs', name: 'probe-roundtrip.bin', text: 'durable bytes ✓' });
    expect((await reply).text).toBe('durable bytes ✓');
    worker.terminate();
  });

  it('run key-value nodes in workers that store a put and answer a get', async () => {
    const { ids, store, cluster } = await startCluster(3, 7);
    const client = new LabClient(cluster, store);
    const put = await client.put('fig', 'sweet', { coordinator: ids[0] });
    expect(put).toMatchObject({ ok: true, type: 'put' });
    const get = await client.get('fig', { coordinator: ids[2], r: 3 });
    expect(get.ok && get.type === 'get' && get.siblings.map((v) => textOf(v.value))).toEqual(['sweet']);
    expect(Object.values(store.getState().nodes).map((n) => n.status)).toEqual(['up', 'up', 'up']);
    // At full speed the nodes count their messages instead of an event each: the coordinator's
    // replica-puts still reach the page as traffic on its links, and no message events come.
    const replicaLinks = () => {
      const { linkCounts } = store.getState();
      return Math.min(linkCounts[`${ids[0]}->${ids[1]}`] ?? 0, linkCounts[`${ids[0]}->${ids[2]}`] ?? 0);
    };
    await expect.poll(replicaLinks).toBeGreaterThan(0);
    const { linkCounts, counters, messages } = store.getState();
    expect(counters.sent).toBe(Object.values(linkCounts).reduce((a, b) => a + b, 0));
    expect(messages).toEqual([]);
    // The put's versions, stored on all three replicas, are counted too rather than logged one by one.
    const storedTotal = () => Object.values(store.getState().nodes).reduce((n, node) => n + node.stored, 0);
    await expect.poll(storedTotal).toBe(3);
    const stores = () => store.getState().events.filter((e) => e.type === 'version.stored').length;
    expect(stores()).toBe(0);
    // A request the page does not record sends no trace events at full speed; a recorded one does.
    expect(await client.put('plum', 'tart', { coordinator: ids[0], record: false })).toMatchObject({
      ok: true,
    });
    expect(await client.put('pear', 'soft', { coordinator: ids[0] })).toMatchObject({ ok: true });
    const completedFor = (key: string) => () =>
      store.getState().events.filter((e) => e.type === 'request.completed' && e.key === key).length;
    await expect.poll(completedFor('pear')).toBe(1);
    expect(completedFor('plum')()).toBe(0);
    expect(store.getState().events.some((e) => e.type === 'request.started' && e.key === 'plum')).toBe(false);
    // Slowed to a visible speed, the nodes send an event per message again: the page draws each one,
    // and the log shows each replica storing the new version.
    await cluster.setLinkDelay(20);
    expect(await client.put('fig', 'ripe', { coordinator: ids[0] })).toMatchObject({ ok: true });
    const replicaPut = (e: { type: string; node: string; msg?: string }) =>
      e.type === 'message.sent' && e.node === ids[0] && e.msg === 'replica-put';
    await expect.poll(() => store.getState().messages.filter(replicaPut).length).toBeGreaterThanOrEqual(2);
    await expect.poll(stores).toBeGreaterThanOrEqual(2);
    cluster.stopAll();
  });

  it('keep a node’s clock skew through a kill and a restart, and take one set while it is down', async () => {
    const { ids, store, cluster } = await startCluster(3, 11);
    const [n1] = ids as [NodeId];
    /** How far n1's clock runs from the page's, in whole seconds, by its snapshot's time. */
    const offset = async () => {
      const snapshot = await cluster.snapshot(n1);
      return snapshot ? Math.round((snapshot.at - sharedNow()) / 1_000) : null;
    };
    cluster.setClockSkew(n1, -10_000);
    await expect.poll(offset).toBe(-10);
    cluster.kill(n1);
    await cluster.restart(n1);
    expect(await offset()).toBe(-10);
    cluster.kill(n1);
    cluster.setClockSkew(n1, 30_000);
    await cluster.restart(n1);
    expect(await offset()).toBe(30);
    expect(
      store
        .getState()
        .markers.filter((m) => m.kind === 'skew')
        .map((m) => m.label),
    ).toEqual([
      "n1's clock set 10 s behind: it stamps its writes 10 s behind the others",
      "n1's clock set 30 s ahead: it stamps its writes 30 s ahead of the others",
    ]);
    cluster.stopAll();
  });

  it('leave out the trace events of an unrecorded request at the node it was forwarded to', async () => {
    const { ids, store, cluster } = await startCluster(4, 9);
    const client = new LabClient(cluster, store);
    // A coordinator that holds no replica of the key forwards the request to one that does.
    const ring = buildRing(
      ids.map((id) => ({ id })),
      { virtualNodes: 8 },
    );
    const outsider = (key: string) => ids.find((id) => !preferenceList(ring, key, 3).nodes.includes(id));
    const keys = ['plum', 'pear', 'quince', 'medlar', 'sloe', 'damson', 'greengage', 'apricot'];
    const [quiet, loud] = keys.filter((key) => outsider(key) !== undefined);
    if (!quiet || !loud) throw new Error('no two keys with a node outside their replicas');
    const put = (key: string, record: boolean) =>
      client.put(key, 'ripe', { coordinator: outsider(key) as NodeId, record });
    expect(await put(quiet, false)).toMatchObject({ ok: true });
    expect(await put(loud, true)).toMatchObject({ ok: true });
    const traced = (key: string) => () =>
      store
        .getState()
        .events.filter((e) => e.type.startsWith('request.') && 'key' in e && e.key === key)
        .map((e) => `${e.type} at ${e.node}`);
    // The recorded one is traced at both nodes (the control); the unrecorded one at neither.
    await expect.poll(() => traced(loud)().length).toBe(3);
    expect(traced(loud)()).toContain(`request.forwarded at ${outsider(loud)}`);
    expect(traced(quiet)()).toEqual([]);
    cluster.stopAll();
  });

  it('answer a call to a worker terminated before it replied with null instead of never', async () => {
    const { ids, cluster } = await startCluster(3, 11);
    const [first, second] = ids as [NodeId, NodeId];
    // Control: a running node answers.
    expect(await cluster.snapshot(first)).not.toBeNull();
    // Killed in the same task, the worker never answers; the calls settle all the same.
    const snapshot = cluster.snapshot(second);
    const stored = cluster.storedVersions(second, ['fig']);
    const configured = cluster.configureNode(second, { antiEntropy: 'trigger' });
    cluster.kill(second);
    expect(await snapshot).toBeNull();
    expect(await stored).toBeNull();
    await configured;
    await cluster.healAll(); // pushes link tables to the running nodes: settles too
    cluster.stopAll();
  });

  it('finish starting a joiner whose peer is killed as they connect, so a restart queued behind it runs', async () => {
    const { ids, store, cluster } = await startCluster(4, 13);
    const first = ids[0] as NodeId;
    // The first node takes the joiner's channel and never answers, as a worker killed in that
    // moment does not: the live nemesis (joins and decommissions, schedule 35) hung there.
    const running = (cluster as unknown as { running: RunningNodes }).running;
    const node = running.get(first) as Running;
    let connecting = () => {};
    const asked = new Promise<void>((resolve) => {
      connecting = resolve;
    });
    const api = node.api;
    node.api = new Proxy(api, {
      get: (target, name) =>
        name === 'connect'
          ? () => {
              connecting();
              return new Promise(() => {});
            }
          : Reflect.get(target, name),
    });
    try {
      expect(cluster.membership.add()).toBeNull();
      const joiner = store.getState().membership.joining[0] as NodeId;
      await asked;
      cluster.kill(first);
      await cluster.restart(first);
      expect(cluster.liveIds()).toContain(first);
      // The joiner started too (it serves once its ranges have streamed in).
      expect(cluster.isRunning(joiner)).toBe(true);
      await expect.poll(() => store.getState().nodes[joiner]?.status, { timeout: 10_000 }).toBe('up');
    } finally {
      cluster.stopAll();
    }
  });

  it('restart the cluster one at a time: a second Apply or a reset waits for the restart under way, and a node restarted meanwhile runs once', async () => {
    const ids = nodeIds(3);
    const store = createLabStore(ids, 0, { ...defaultSettings, nodes: ids.length });
    const cluster = new LiveCluster(store, 12);
    await cluster.startAll({ wipe: true });
    const client = new LabClient(cluster, store);
    expect(await client.put('plum', 'purple')).toMatchObject({ ok: true });
    const strict = { ...store.getState().settings, quorum: 'strict' as const };
    // From the moment an Apply begins, every node shows 'starting' (its buttons off), while the old
    // workers are still stopping: a kill or pause clicked then would be taken by a worker about to go.
    const startingWhileRunning: boolean[] = [];
    const unsubscribe = store.subscribe((s) =>
      startingWhileRunning.push(
        ids.every((id) => s.nodes[id]?.status === 'starting' && cluster.isRunning(id)),
      ),
    );
    // A second Apply in the meantime (a double click) would stop and start the workers under it.
    const applied = await Promise.all([
      cluster.applySettings(strict),
      cluster.applySettings({ ...strict, r: 1 }),
    ]);
    expect(applied).toEqual([null, null]);
    unsubscribe();
    expect(startingWhileRunning).toContain(true);
    expect(store.getState().settings).toMatchObject({ quorum: 'strict', r: 1 });
    expect(cluster.liveIds()).toEqual(ids);
    // Strict quorums: a restarted node serves once a peer has confirmed its ring (a moment).
    const read = async () => {
      const get = await client.get('plum');
      return get.ok && get.type === 'get' ? get.siblings.map((v) => textOf(v.value)) : get.error.message;
    };
    await expect.poll(read, { timeout: 10_000 }).toEqual(['purple']);
    // A reset waits its turn too, and wipes what the Apply before it kept.
    await Promise.all([cluster.applySettings({ ...strict, r: 2 }), cluster.reset()]);
    expect(cluster.liveIds()).toEqual(ids);
    await expect.poll(read, { timeout: 10_000 }).toEqual([]);
    // A crashed node restarted just after an Apply is started once, by the Apply: the restart, its
    // turn come, finds it running.
    const first = ids[0] as NodeId;
    cluster.kill(first);
    await Promise.all([cluster.applySettings({ ...strict, r: 1 }), cluster.restart(first)]);
    expect(cluster.liveIds()).toEqual(ids);
    cluster.stopAll();
  });
});
