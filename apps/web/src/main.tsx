/**
 * Entry point: starts the default cluster (5 nodes, one Web Worker each) and renders the lab.
 * The cluster lives outside React so that StrictMode's double effects do not start it twice.
 */

import { nodeIds } from '@kvscope/engine';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { createLabStore } from './live/labStore.ts';
import { LiveCluster } from './live/liveCluster.ts';
import './app/lab.css';

const ids = nodeIds(5);
const store = createLabStore(ids, 400);
const cluster = new LiveCluster(ids, store, 1);
void cluster.startAll();

const root = document.getElementById('root');
if (!root) throw new Error('the page has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} cluster={cluster} />
  </StrictMode>,
);
