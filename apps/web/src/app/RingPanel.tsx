/**
 * The hash ring (RingView): every node's tokens, the keys written through the lab as marks, and the
 * selected key's preference list with its fallbacks. Nodes that are crashed, or held down by most of
 * the live nodes' failure detectors (gossip.ts), are crossed out, so a reader sees which replicas a
 * request can reach.
 * Selecting a key here selects it everywhere (the client, the log, the cluster's replica labels).
 *
 * The ring's members come from the nodes' own `ring.changed` reports (store `membership`), so a
 * joining node appears when it has its ranges and announces itself. For `movesShownMs` after a
 * change the view also gets the ring before it: the moved ranges are highlighted in the colour of
 * the node that receives them and the tokens animate in or out.
 *
 * With two data centres the heading gives the replicas per data centre and a line under the ring
 * names the selected key's replicas in each (the engine's `replicasFor`, as the nodes place them);
 * the ring's own badges still number the first N distinct nodes of the walk.
 */

import { buildRing, type NodeId, replicasFor } from '@kvscope/engine';
import { RingView } from '@kvscope/ui';
import { memo, useMemo, useRef } from 'react';
import { describeReplication, placementFor, ringMembers } from '../live/dataCentres.ts';
import type { LabState, Selection } from '../live/labStore.ts';
import { movesShownMs } from '../live/membership.ts';
import { sharedNow } from '../shared/workerApi.ts';
import { sameDrawing } from './sameDrawing.ts';

interface Props {
  state: LabState;
  unavailable: readonly NodeId[];
  reducedMotion: boolean;
  onSelect: (patch: Partial<Selection>) => void;
}

const ringOf = (members: readonly NodeId[], virtualNodes: number) =>
  buildRing(
    members.map((id) => ({ id })),
    { virtualNodes },
  );

/** The ring drawn again only when what it shows changed, not on every event batch (sameDrawing.ts). */
const StableRingView = memo(RingView, sameDrawing);

export function RingPanel({ state, unavailable, reducedMotion, onSelect }: Props) {
  const { settings, keys, selection, membership } = state;
  // The memoised view keeps the callbacks it was first given: they call the latest handler.
  const latest = useRef(onSelect);
  latest.current = onSelect;
  const ring = useMemo(
    () => ringOf(membership.ring, settings.virtualNodes),
    [membership.ring, settings.virtualNodes],
  );
  const recent = membership.changedAt !== null && sharedNow() - membership.changedAt < movesShownMs;
  const previous = recent ? membership.previous : null;
  const previousRing = useMemo(
    () => (previous ? ringOf(previous, settings.virtualNodes) : null),
    [previous, settings.virtualNodes],
  );
  const shown = selection.key && !keys.includes(selection.key) ? [...keys, selection.key] : keys;
  const changing = membership.joining[0] ?? membership.leaving[0];
  const perDc =
    settings.dataCentres === 2 && selection.key
      ? replicasFor(
          buildRing(ringMembers(settings, membership.ring), { virtualNodes: settings.virtualNodes }),
          selection.key,
          placementFor(settings),
        ).byDataCentre
      : null;
  return (
    <section className="panel ring-panel" aria-label="Hash ring" data-testid="ring-panel">
      <h2>
        Hash ring{' '}
        <span className="muted small">
          N={describeReplication(settings)} · {settings.virtualNodes} tokens per node
          {changing &&
            (membership.joining.length
              ? ` · ${changing} joins once its ranges arrive`
              : ` · ${changing} is handing its ranges over`)}
        </span>
      </h2>
      <StableRingView
        ring={ring}
        n={settings.n}
        placement={placementFor(settings)}
        keys={shown}
        selectedKey={selection.key}
        selectedNode={selection.node}
        previousRing={previousRing}
        unavailable={unavailable}
        onSelectKey={(key) => latest.current({ key })}
        onSelectNode={(id) => latest.current({ node: id as NodeId })}
        reducedMotion={reducedMotion}
        size={460}
      />
      {perDc && (
        <p className="small" data-testid="ring-dc-replicas">
          Replicas of <b>{selection.key}</b> per data centre:{' '}
          {Object.entries(perDc)
            .map(([dc, nodes]) => `${dc} ${nodes.join(', ')}`)
            .join(' · ')}
        </p>
      )}
    </section>
  );
}
