/**
 * @kvscope/ui: React + d3 views that render engine types and plain data. No workers, no storage,
 * no stores: the page (the lab app) owns state and passes slices in. Every view takes the linked
 * selection (`selectedNode`, `selectedKey`) as props and reports clicks through callbacks.
 */

export * from './cluster/ClusterView.tsx';
export * from './cluster/layout.ts';
export * from './cluster/messageStyle.ts';
export * from './inspector/inspectorModel.ts';
export * from './inspector/NodeInspector.tsx';
export * from './log/describeEvent.ts';
export * from './log/EventLog.tsx';
export * from './log/eventFilter.ts';
export * from './log/eventTypes.ts';
export * from './merkle/MerkleDiff.tsx';
export * from './merkle/merkleModel.ts';
export * from './ring/RingView.tsx';
export {
  angleOf,
  formatShare,
  keysClockwise,
  type OwnedArc,
  ownedArcs,
  preferenceWalk,
  tokenChanges,
  type WalkStop,
} from './ring/ringGeometry.ts';
export * from './shared/format.ts';
export * from './shared/NodeOptions.tsx';
export * from './shared/nodeStyle.ts';
export * from './timeline/FaultTimeline.tsx';
export * from './timeline/timelineModel.ts';
export * from './trace/RequestTrace.tsx';
export * from './trace/traceModel.ts';
export * from './versions/VersionGraphView.tsx';
export * from './versions/versionGraph.ts';
