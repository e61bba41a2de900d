/**
 * @kvscope/ui: React + d3 views that render engine types and plain data. No workers, no storage,
 * no stores: the page (apps/web) owns state and passes slices in.
 */

export * from './cluster/ClusterView.tsx';
export * from './cluster/layout.ts';
export * from './cluster/messageStyle.ts';
