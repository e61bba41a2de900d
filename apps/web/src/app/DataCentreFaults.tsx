/**
 * Data-centre faults (SPEC 1.3, §2), shown when the cluster has two data centres:
 *
 *   cut off east   a partition by data centre through the ordinary partition mechanism: east's
 *                  nodes in one group, west's in the other ("dc-outage east" on the timeline)
 *   power off east kill every node of east (each one's worker terminated); restart brings them back
 *   restore        the partition lifted and every powered-off node restarted ("dc-restore")
 */

import type { NodeId } from '@kvscope/engine';
import { dataCentreMap, dataCentreNames } from '../live/dataCentres.ts';
import type { LabState } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import { dataCentreGroups, isPartitioned } from '../live/network.ts';

export function DataCentreFaults({ state, cluster }: { state: LabState; cluster: LiveCluster }) {
  const dcOf = dataCentreMap(state.settings, state.order) ?? {};
  const membersOf = (dc: string) => state.order.filter((id) => dcOf[id] === dc);
  const others = (dc: string) => dataCentreNames.filter((d) => d !== dc).join(', ');
  const cutOff = (dc: string) =>
    cluster.partition(
      dataCentreGroups(dcOf, dc),
      `dc-outage ${dc}: ${dc} (${membersOf(dc).join(',')}) cut off from ${others(dc)}`,
    );
  const powerOff = (dc: string) => {
    for (const id of membersOf(dc)) cluster.kill(id);
  };
  const crashed = state.order.filter((id) => state.nodes[id]?.status === 'crashed');
  const restore = async () => {
    if (isPartitioned(state.faults, state.order))
      await cluster.partition({}, 'dc-restore: the links between data centres are back', 'heal');
    for (const id of crashed) await cluster.restart(id as NodeId);
  };
  return (
    <fieldset data-testid="dc-faults">
      <legend>Data centres</legend>
      <div className="form-row wrap">
        {dataCentreNames.map((dc) => (
          <button
            key={dc}
            type="button"
            onClick={() => void cutOff(dc)}
            data-testid={`cut-off-${dc}`}
            title={`Cut every link between ${dc} and the other data centre; ${dc}'s nodes still talk to each other`}
          >
            Cut off {dc}
          </button>
        ))}
        {dataCentreNames.map((dc) => (
          <button
            key={dc}
            type="button"
            onClick={() => powerOff(dc)}
            data-testid={`power-off-${dc}`}
            title={`Kill every node of ${dc} (${membersOf(dc).join(', ')}): a power cut`}
          >
            Power off {dc}
          </button>
        ))}
        <button
          type="button"
          onClick={() => void restore()}
          disabled={!isPartitioned(state.faults, state.order) && crashed.length === 0}
          data-testid="dc-restore"
          title="Lift the data-centre partition and restart every powered-off node"
        >
          Restore
        </button>
      </div>
    </fieldset>
  );
}
