/**
 * One storage node in its own dedicated Worker: the real key-value node (`KvNode`) with its LSM on
 * OPFS under the node's folder (IndexedDB where OPFS sync access handles are missing). The page
 * controls it through comlink (`NodeWorkerApi`), sends client requests over a dedicated port; the node's traffic to its peers flows over the
 * MessageChannel ports the page hands to `connect`.
 *
 * Terminating this worker is a real crash: volatile state is gone, and a new worker started on the
 * same node id reopens the same files and recovers (replays its commit log). Sync access handles are
 * exclusive, so the page must have terminated the old worker first; the file system waits out the
 * moment a terminated worker keeps its locks.
 *
 * Ports, the link table and a clock skew may arrive before `start`; they are kept and handed to the
 * host then, so the node's first messages find their peers connected and its first stamps are skewed.
 */

import {
  createKvNode,
  type FileSystem,
  flipBitInLargestTable,
  isDiskFailure,
  isKvError,
  type KvNode,
  MemoryFileSystem,
  type NodeId,
  Rng,
} from '@kvscope/engine';
import * as Comlink from 'comlink';
import type {
  ClientRequest,
  LinkTable,
  NodeStartOptions,
  NodeWorkerApi,
  StoredVersions,
} from '../shared/workerApi.ts';
import { hostTimeline } from './hostTimeline.ts';
import { LiveHost } from './liveHost.ts';
import { ReplyBatch } from './replyBatch.ts';
import { chooseBackend, openNodeFileSystem, wipeNodeFileSystem } from './storage/chooseFileSystem.ts';
import type { OpfsFileSystem } from './storage/opfsFileSystem.ts';

let host: LiveHost | null = null;
let snapshotOf: (() => ReturnType<NodeWorkerApi['snapshot']>) | null = null;
let storedOf: ((key: string) => StoredVersions) | null = null;
let closeFiles: (() => void) | null = null;
let files: FileSystem | null = null;
const earlyPorts = new Map<NodeId, MessagePort>();
let earlyLinks: LinkTable = {};
let earlyMessageEvents = true;
/** A clock skew set after the start's options were made and before the node started: the newer. */
let earlyClockSkewMs: number | undefined;

const api: NodeWorkerApi = {
  async start(options: NodeStartOptions) {
    const backend = chooseBackend();
    if (options.wipe) await wipeNodeFileSystem(options.id, backend);
    let fs = await openNodeFileSystem(options.id, backend);
    let recovered = fs.list().length > 0;
    // Each start draws its own stream: an incarnation's random choices (a new actor name's epoch,
    // its range stream ids) must differ from the last one's. The lab is not replayed.
    const start = crypto.getRandomValues(new Uint32Array(1))[0] as number;
    const rng = new Rng(options.seed).fork(`node/${options.id}/${start}`);
    const open = () =>
      createKvNode({ id: options.id, peers: options.peers, rng, fs, config: options.config });
    let diskFailed: string | undefined;
    let node: ReturnType<typeof createKvNode>;
    try {
      node = open();
    } catch (error) {
      // The disk failure rule (engine node/contract.ts), met while opening: the disk is replaced.
      if (!isDiskFailure(error)) throw error;
      diskFailed = (error as Error).message;
      fs.close();
      await wipeNodeFileSystem(options.id, backend);
      fs = await openNodeFileSystem(options.id, backend);
      recovered = false;
      node = open();
    }
    const live = new LiveHost(node, fs, options.events, rng, backend === 'opfs');
    host = live;
    live.setClockSkew(earlyClockSkewMs ?? options.clockSkewMs ?? 0);
    host.setLinks(earlyLinks);
    host.setMessageEvents(earlyMessageEvents);
    for (const [peer, port] of earlyPorts) host.connect(peer, port);
    earlyPorts.clear();
    const io = 'flushStats' in fs ? (fs as OpfsFileSystem).flushStats : null;
    snapshotOf = () => {
      const timeline = hostTimeline.recorded();
      return {
        ...node.snapshot(live.clock()),
        host: { ...live.stats, ...io, ...(timeline && { timeline }) },
      };
    };
    storedOf = (key) => storedVersionsOf(node, key);
    closeFiles = () => fs.close();
    files = fs;
    const replies = new ReplyBatch(options.requests);
    options.requests.onmessage = (event: MessageEvent<ClientRequest[]>) => {
      for (const { request, traced } of event.data)
        void live.request(request, traced).then((reply) => replies.add(reply));
    };
    host.start(recovered);
    return { backend, recovered, recovery: node.lsm.snapshot().recovery, ...(diskFailed && { diskFailed }) };
  },
  corruptTable() {
    return files ? flipBitInLargestTable(files) : null;
  },
  connect(peer, port) {
    if (host) host.connect(peer, port);
    else earlyPorts.set(peer, port);
  },
  setLinks(table: LinkTable) {
    earlyLinks = table;
    host?.setLinks(table);
  },
  setMessageEvents(on: boolean) {
    earlyMessageEvents = on;
    host?.setMessageEvents(on);
  },
  pause() {
    host?.pause();
  },
  setClockSkew(ms: number) {
    earlyClockSkewMs = ms;
    host?.setClockSkew(ms);
  },
  resume() {
    host?.resume();
  },
  configure(patch) {
    // A latency study's recording (hostTimeline.ts), not a node setting.
    if (patch.timeline === 'start') hostTimeline.start();
    else if (patch.timeline === 'stop') hostTimeline.stop();
    else if (patch.timeline === 'clear') hostTimeline.clear();
    else host?.configure(patch);
  },
  snapshot() {
    return snapshotOf?.() ?? null;
  },
  storedVersions(keys) {
    const read = storedOf;
    return read ? keys.map((key) => read(key)) : null;
  },
  async readDisk(options, keys) {
    const disk = await openNodeFileSystem(options.id, chooseBackend(), true);
    let copy: MemoryFileSystem;
    try {
      copy = copyIntoMemory(disk);
    } finally {
      disk.close();
    }
    const rng = new Rng(options.seed).fork(`node/${options.id}/disk-read`);
    try {
      const node = createKvNode({
        id: options.id,
        peers: options.peers,
        rng,
        fs: copy,
        config: options.config,
      });
      const read = keys.map((key) => storedVersionsOf(node, key));
      node.close();
      return read;
    } catch (error) {
      if (isDiskFailure(error)) return null;
      throw error;
    }
  },
  stop() {
    host?.stop();
    closeFiles?.();
    host = null;
    closeFiles = null;
  },
};

/** What `node` holds for `key`: its own versions and those it keeps as hints for another replica. */
function storedVersionsOf(node: KvNode, key: string): StoredVersions {
  const stored = node.store.read(key);
  if (isKvError(stored)) return { error: `${stored.code}: ${stored.message}` };
  return { stored, hinted: [...node.handoff.hints.versionsForKey(key)] };
}

/** Every file of `disk`, byte for byte, in a memory file system of its own. */
function copyIntoMemory(disk: FileSystem): MemoryFileSystem {
  const memory = new MemoryFileSystem(`${disk.label} (a copy in memory)`);
  for (const name of disk.list()) {
    const from = disk.open(name);
    const to = memory.open(name, { create: true });
    to.write(0, from.read(0, from.size()));
    to.flush();
    to.close();
    from.close();
  }
  return memory;
}

Comlink.expose(api);
