/**
 * One storage node in its own dedicated Worker. The page controls it through comlink
 * (`NodeWorkerApi`); the node's traffic to its peers flows over the MessageChannel ports the page
 * hands to `connect`. Terminating this worker is a real crash: volatile state is gone, and a new
 * worker started on the same node folder recovers from its files.
 *
 * Ports and the link table may arrive before `start`; they are kept and handed to the host then, so
 * the node's first messages find their peers connected.
 */

import { createPingNode, MemoryFileSystem, type NodeId, Rng } from '@kvscope/engine';
import * as Comlink from 'comlink';
import type { LinkTable, NodeStartOptions, NodeWorkerApi } from '../shared/workerApi.ts';
import { sharedNow } from '../shared/workerApi.ts';
import { LiveHost } from './liveHost.ts';

let host: LiveHost | null = null;
let snapshotOf: (() => ReturnType<NodeWorkerApi['snapshot']>) | null = null;
const earlyPorts = new Map<NodeId, MessagePort>();
let earlyLinks: LinkTable = {};

const api: NodeWorkerApi = {
  async start(options: NodeStartOptions) {
    const rng = new Rng(options.seed).fork(`node/${options.id}`);
    // The ping protocol of the foundation keeps no data; the store's LSM on OPFS replaces this.
    const fs = new MemoryFileSystem(`memory:${options.id}`);
    const node = createPingNode({ id: options.id, peers: options.peers, rng, fs, config: options.config });
    host = new LiveHost(node, fs, options.events, rng);
    host.setLinks(earlyLinks);
    for (const [peer, port] of earlyPorts) host.connect(peer, port);
    earlyPorts.clear();
    snapshotOf = () => node.snapshot(sharedNow());
    host.start(false);
  },
  connect(peer, port) {
    if (host) host.connect(peer, port);
    else earlyPorts.set(peer, port);
  },
  setLinks(table: LinkTable) {
    earlyLinks = table;
    host?.setLinks(table);
  },
  snapshot() {
    return snapshotOf?.() ?? null;
  },
  stop() {
    host?.stop();
    host = null;
  },
};

Comlink.expose(api);
