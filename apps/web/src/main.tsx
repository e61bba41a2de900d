/**
 * Entry point: starts the cluster (5 nodes by default, the settings saved by the last visit, or the
 * node count of a `?nodes=16` link), each node in its own Web Worker reopening its files from OPFS,
 * the lab's client and a gentle workload, and renders the lab. The cluster lives outside React so
 * that StrictMode's double effects do not start it twice.
 *
 * `window.kvscope` exposes the client, the cluster and the store to tests and the benchmark.
 */

import { nodeIds } from '@kvscope/engine';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { DivergenceProbe } from './live/divergence.ts';
import { LabClient } from './live/labClient.ts';
import { createLabStore } from './live/labStore.ts';
import { LiveCluster } from './live/liveCluster.ts';
import { initialMembership, loadMembers } from './live/membership.ts';
import { MetricsSampler } from './live/metrics.ts';
import { readPageLink } from './live/pageLink.ts';
import { loadSettings } from './live/settings.ts';
import { SnapshotPoller } from './live/snapshots.ts';
import { Workload } from './live/workload.ts';
import './app/lab.css';

// `?nodes=16` starts a larger cluster (a link a teacher can share), `?delay=0` runs at full speed;
// a value that cannot run is not used, and the page says so (pageLink.ts).
const link = readPageLink(location.search, loadSettings());
// The member list saved by the last add or remove reopens the same cluster (unless a link asks for a size).
const members = link.nodesAsked ? null : loadMembers();
const order = members?.members ?? nodeIds(link.settings.nodes);
const store = createLabStore(order, link.delayMs, { ...link.settings, nodes: order.length });
if (members) store.setState({ membership: initialMembership(order, members.retired) });
if (link.workloadOff) store.setState((s) => ({ workload: { ...s.workload, running: false } }));
const cluster = new LiveCluster(store, 1);
const client = new LabClient(cluster, store);
const workload = new Workload(client, store);
const snapshots = new SnapshotPoller(cluster, store);
void cluster.startAll().then(() => {
  workload.start();
  snapshots.start();
  const divergence = new DivergenceProbe(cluster, store);
  divergence.start();
  new MetricsSampler(store, client.answered, () => divergence.latest).start();
  cluster.autoscaler.restore(); // a reload keeps the autoscaler as it was
});
window.addEventListener('pagehide', () => cluster.stopAll());

declare global {
  interface Window {
    kvscope: { client: LabClient; cluster: LiveCluster; store: typeof store; workload: Workload };
  }
}
window.kvscope = { client, cluster, store, workload };

const root = document.getElementById('root');
if (!root) throw new Error('the page has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} cluster={cluster} client={client} workload={workload} linkIgnored={link.ignored} />
  </StrictMode>,
);
