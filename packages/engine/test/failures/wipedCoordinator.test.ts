/**
 * A coordinator whose disk was wiped must neither reissue a dot it issued before the wipe nor issue
 * counters that seem to cover writes it no longer knows.
 *
 * 1. Reissued dots (found by the kv variant of T7, seed 1, with the stand-in wiped at 13 s while the
 *    workload still ran). newVersion() raises the coordinator's counter past the highest it finds in
 *    its own stored siblings or the client's context; after a wipe its store is empty, so a client
 *    whose context predates the coordinator's last write of the key got that write's clock and dot
 *    again, and replicas took the two different writes for one version: an acknowledged put lost
 *    (P1), or a delete and a put sharing a clock and the deleted value back (P9).
 * 2. Covered writes (found by T3's random faults, set sloppy, seed 440, with a replica wiped). The
 *    wiped node then issued counters from a floor above its old ones: a client that read only its
 *    new write carried a context whose entry for that node exceeded the counter of an old
 *    acknowledged write it had never seen, so its next write "covered" the old one and every
 *    replica dropped it (P1).
 *
 * A node that starts without its actor record now writes under a new name (versioning/actor.ts),
 * whose counters are never compared with the old name's, as Riak gives a vnode a new actor id. Each
 * negative control wipes everything but that record — for case 1 with its lease reset as well —
 * and the write is lost.
 */

import { describe, expect, it } from 'vitest';
import { createKvNode } from '../../src/node/kvNode.ts';
import { type NodeId, nodeId } from '../../src/protocol/ids.ts';
import type { GetOk } from '../../src/replication/requests.ts';
import { preferenceList } from '../../src/ring/preferenceList.ts';
import { buildRing } from '../../src/ring/ring.ts';
import { Simulation } from '../../src/simulation/simulation.ts';
import { writeActor } from '../../src/versioning/actor.ts';
import { blockingClient } from './blockingClient.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId);
const config = { members: ids.map((id) => ({ id })), virtualNodes: 8, n: 3, r: 2, w: 2 };
const text = (s: string) => new TextEncoder().encode(s);
const key = 'contested';
const [coordinator, other] = preferenceList(buildRing(config.members, { virtualNodes: 8 }), key, 3)
  .nodes as NodeId[];

/** How much of the wiped node's actor record survives: none (a real wipe), all, or its name only. */
type Spared = 'nothing' | 'actor' | 'name';

/** A 5-node cluster with a client that waits for each reply, and a wipe that may spare the actor record. */
function cluster() {
  const sim = new Simulation({ seed: 1, nodes: ids, createNode: createKvNode, config });
  const call = blockingClient(sim, 'wipe');
  const put = (value: string, w: number, context?: GetOk['context']) =>
    expect(call(coordinator!, { type: 'put', key, value: text(value), w, context }).ok).toBe(true);
  const read = (via: NodeId, r: number) => call(via, { type: 'get', key, r }) as GetOk;
  const values = (reply: GetOk) =>
    reply.siblings.map((s) => new TextDecoder().decode(s.value ?? new Uint8Array())).sort();
  const wipe = (node: NodeId, spared: Spared) => {
    sim.crash(node, 'process');
    const disk = sim.fileSystem(node);
    for (const name of disk.list()) if (spared === 'nothing' || name !== 'ACTOR') disk.delete(name);
    if (spared === 'name') writeActor(disk, { name: node, lease: 0, starts: 1 });
    sim.restart(node);
  };
  sim.runFor(3_000);
  return { sim, put, read, values, wipe };
}

describe('a coordinator whose disk was wiped', () => {
  const reissue = (spared: Spared) => {
    const { sim, put, read, values, wipe } = cluster();
    put('v1', 3);
    const seenV1 = read(coordinator!, 2).context; // a second client reads v1, then waits
    put('v2', 3, seenV1);
    wipe(coordinator!, spared);
    sim.runFor(500); // restarted, anti-entropy has not run yet
    // The waiting client writes v3 from its context {v1}: concurrent with v2, so both must stay.
    put('v3', 2, seenV1);
    return values(read(other!, 2));
  };

  it('keeps two concurrent writes as two siblings (does not reissue a dot it issued before the wipe)', () => {
    expect(reissue('nothing')).toEqual(['v2', 'v3']);
    expect(reissue('actor')).toEqual(['v2', 'v3']); // the lease alone prevents it too
  });

  it('negative control: under its old name with its lease reset, the reissued dot loses v2', () => {
    expect(reissue('name')).not.toEqual(['v2', 'v3']);
  });

  const cover = (spared: Spared) => {
    const { sim, put, read, values, wipe } = cluster();
    put('old', 3); // acknowledged by all three replicas; the coordinator's copy is then wiped
    wipe(coordinator!, spared);
    sim.runFor(500);
    put('new', 1); // a blind write through the wiped node: concurrent with "old"
    const seen = read(coordinator!, 1); // answered by the coordinator alone, which has only "new"
    expect(values(seen)).toEqual(['new']);
    put('newer', 2, seen.context); // replaces "new"; its writer never saw "old"
    sim.runFor(2_000); // read repair and replica-puts settle
    return values(read(other!, 3));
  };

  it('keeps an old write beside a new one whose writer read only the wiped node (its new name)', () => {
    expect(cover('nothing')).toEqual(['newer', 'old']);
  });

  it('negative control: under its old name, the new counters cover the old write and lose it', () => {
    expect(cover('actor')).toEqual(['newer']);
  });
});
