/**
 * The hash ring (RingView): every node's tokens, the keys written through the lab as marks, and the
 * selected key's preference list with its fallbacks. Nodes that are crashed, or held down by a live
 * node's failure detector, are crossed out, so a reader sees which replicas a request can reach.
 * Selecting a key here selects it everywhere (the client, the log, the cluster's replica labels).
 */

import { buildRing, type NodeId } from '@kvscope/engine';
import { RingView } from '@kvscope/ui';
import { useMemo } from 'react';
import type { LabState, Selection } from '../live/labStore.ts';

interface Props {
  state: LabState;
  unavailable: readonly NodeId[];
  reducedMotion: boolean;
  onSelect: (patch: Partial<Selection>) => void;
}

export function RingPanel({ state, unavailable, reducedMotion, onSelect }: Props) {
  const { order, settings, keys, selection } = state;
  const ring = useMemo(
    () =>
      buildRing(
        order.map((id) => ({ id })),
        { virtualNodes: settings.virtualNodes },
      ),
    [order, settings.virtualNodes],
  );
  const shown = selection.key && !keys.includes(selection.key) ? [...keys, selection.key] : keys;
  return (
    <section className="panel ring-panel" aria-label="Hash ring" data-testid="ring-panel">
      <h2>
        Hash ring{' '}
        <span className="muted small">
          N={settings.n} · {settings.virtualNodes} tokens per node
        </span>
      </h2>
      <RingView
        ring={ring}
        n={settings.n}
        keys={shown}
        selectedKey={selection.key}
        selectedNode={selection.node}
        unavailable={unavailable}
        onSelectKey={(key) => onSelect({ key })}
        onSelectNode={(id) => onSelect({ node: id as NodeId })}
        reducedMotion={reducedMotion}
        size={460}
      />
    </section>
  );
}
