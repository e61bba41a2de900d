/**
 * A coordinator whose disk was wiped must not issue a dot it issued before the wipe (found by the
 * kv variant of T7, seed 1, with the stand-in wiped at 13 s while the workload still ran).
 * newVersion() raises the coordinator's counter past the highest it finds in its own stored
 * siblings or the client's context; after a wipe its store is empty, so without more a client whose
 * context predates the coordinator's last write of the key got that write's clock and dot again, and
 * replicas took the two different writes for one version: an acknowledged put lost (P1), or a
 * delete and a put sharing a clock and the deleted value back (P9). Riak avoids this with a counter
 * leased on disk and a new actor id for a vnode that starts without its data; we start every
 * incarnation's counters at a floor above all it can have issued (`counterFloorAt`, newVersion.ts).
 * The negative control takes the floor away (a cluster origin in the future) and loses the write.
 */

import { describe, expect, it } from 'vitest';
import type { ClientReply } from '../../src/node/contract.ts';
import { createKvNode } from '../../src/node/kvNode.ts';
import { type NodeId, nodeId } from '../../src/protocol/ids.ts';
import type { GetOk, KvCommand } from '../../src/replication/requests.ts';
import { preferenceList } from '../../src/ring/preferenceList.ts';
import { buildRing } from '../../src/ring/ring.ts';
import { Simulation } from '../../src/simulation/simulation.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId);
const config = { members: ids.map((id) => ({ id })), virtualNodes: 8, n: 3, r: 2, w: 2 };
const text = (s: string) => new TextEncoder().encode(s);

describe('a coordinator whose disk was wiped', () => {
  const run = (dotOriginMs: number) => {
    const sim = new Simulation({
      seed: 1,
      nodes: ids,
      createNode: createKvNode,
      config: { ...config, dotOriginMs },
    });
    const key = 'contested';
    const [coordinator, other] = preferenceList(buildRing(config.members, { virtualNodes: 8 }), key, 3)
      .nodes as NodeId[];
    let next = 0;
    const call = (via: NodeId, command: KvCommand): ClientReply => {
      let reply: ClientReply | null = null;
      sim.request(via, { ...command, requestId: `wipe-${next++}` } as never, (r) => {
        reply = r;
      });
      for (let i = 0; reply === null && i < 100_000; i++) sim.step();
      if (reply === null) throw new Error(`no reply to ${command.type} ${key}`);
      return reply;
    };
    const read = (via: NodeId) => call(via, { type: 'get', key, r: 3 }) as GetOk;
    sim.runFor(3_000);
    expect(call(coordinator!, { type: 'put', key, value: text('v1'), w: 3 }).ok).toBe(true);
    const seenV1 = read(coordinator!).context; // a second client reads v1, then waits
    expect(call(coordinator!, { type: 'put', key, value: text('v2'), context: seenV1, w: 3 }).ok).toBe(true);
    sim.crash(coordinator!, 'process');
    const disk = sim.fileSystem(coordinator!);
    for (const name of disk.list()) disk.delete(name);
    sim.restart(coordinator!);
    sim.runFor(500); // restarted, anti-entropy has not run yet
    // The waiting client writes v3 from its context {v1}: concurrent with v2, so both must stay.
    expect(call(coordinator!, { type: 'put', key, value: text('v3'), context: seenV1, w: 2 }).ok).toBe(true);
    return read(other!)
      .siblings.map((s) => new TextDecoder().decode(s.value ?? new Uint8Array()))
      .sort();
  };

  it('keeps two concurrent writes as two siblings (does not reissue a dot it issued before the wipe)', () => {
    expect(run(0)).toEqual(['v2', 'v3']);
  });

  it('negative control: with no counter floor (origin in the future) the reissued dot loses v2', () => {
    expect(run(1e12)).not.toEqual(['v2', 'v3']);
  });
});
