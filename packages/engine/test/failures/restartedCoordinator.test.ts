/**
 * A reply can outlive the incarnation that sent the request. Found by a multi-data-centre sweep of
 * random faults (seed 138): a coordinator restarted and numbered its requests from 1 again, so a
 * peer's late answer to its previous incarnation's read of one key matched its new read of another
 * key; the read returned the first key's version, and its read repair wrote it into the second key
 * on every replica. (A late put acknowledgement could as well have counted toward a new write's W.)
 * Each incarnation now numbers its requests above every earlier one's (versioning/actor.ts
 * `opBase`). The negative control keeps the old numbering: the actor record's start count is
 * rewritten so that the restarted node numbers its requests from 1 again.
 */

import { describe, expect, it } from 'vitest';
import type { ClientReply } from '../../src/node/contract.ts';
import { createKvNode } from '../../src/node/kvNode.ts';
import { type NodeId, nodeId } from '../../src/protocol/ids.ts';
import type { GetOk, KvCommand } from '../../src/replication/requests.ts';
import { preferenceList } from '../../src/ring/preferenceList.ts';
import { buildRing } from '../../src/ring/ring.ts';
import { Simulation } from '../../src/simulation/simulation.ts';
import { writeActor } from '../../src/versioning/actor.ts';
import { blockingClient } from './blockingClient.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId);
const config = { members: ids.map((id) => ({ id })), virtualNodes: 8, n: 3, r: 2, w: 2 };
const ring = buildRing(config.members, { virtualNodes: 8 });
const replicas = (key: string) => preferenceList(ring, key, 3).nodes as NodeId[];
const [coordinator, writer] = replicas('x');
// Another key with the same three replicas: a stale answer about "x" is from a replica of it.
const other = Array.from({ length: 2_000 }, (_, i) => `y${i}`).find(
  (key) => [...replicas(key)].sort().join() === [...replicas('x')].sort().join(),
) as string;
const text = (s: string) => new TextEncoder().encode(s);

/** Reads `other` through a coordinator restarted while its read of "x" was still being answered. */
function readAfterRestart(oldNumbering: boolean): string[] {
  const sim = new Simulation({ seed: 1, nodes: ids, createNode: createKvNode, config });
  const send = blockingClient(sim, 'r');
  const call = (command: KvCommand, via = coordinator!): ClientReply => send(via, command);
  sim.runFor(1_000);
  // Written through another replica: the coordinator's first request is the read of "x" below.
  expect(call({ type: 'put', key: 'x', value: text('x-value'), w: 3 }, writer).ok).toBe(true);
  expect(call({ type: 'put', key: other, value: text('y-value'), w: 3 }, writer).ok).toBe(true);
  for (const peer of ids)
    if (peer !== coordinator)
      sim.network.configureLink(peer, coordinator!, { latency: { kind: 'constant', ms: 400 } });
  sim.request(coordinator!, { type: 'get', key: 'x', r: 3, requestId: 'stale' } as never, () => {});
  sim.runFor(50); // the replicas have answered; their answers are on the slow way back
  sim.crash(coordinator!, 'process');
  if (oldNumbering)
    writeActor(sim.fileSystem(coordinator!), { name: coordinator!, lease: 1_000, starts: 2 ** 21 - 1 });
  sim.restart(coordinator!);
  const read = call({ type: 'get', key: other, r: 2 }) as GetOk;
  return read.siblings.map((s) => new TextDecoder().decode(s.value ?? new Uint8Array()));
}

describe('a coordinator restarted while answers to its requests are on their way', () => {
  it('does not take an answer to its previous incarnation for an answer to its new request', () => {
    expect(readAfterRestart(false)).toEqual(['y-value']);
  });

  it('negative control: numbering its requests from 1 again, it reads the other key’s version', () => {
    expect(readAfterRestart(true)).toContain('x-value');
  });
});
