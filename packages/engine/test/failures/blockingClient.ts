/**
 * The failure tests' hand-driven client: one request at a time, the simulation run until its reply
 * arrives, so a test reads as a sequence of calls with faults between them.
 */

import type { ClientReply } from '../../src/node/contract.ts';
import type { NodeId } from '../../src/protocol/ids.ts';
import type { KvCommand } from '../../src/replication/requests.ts';
import type { Simulation } from '../../src/simulation/simulation.ts';

/** Returns `call(via, command)`: sends the command through `via` and steps `sim` until it is answered. */
export function blockingClient(
  sim: Simulation,
  prefix: string,
): (via: NodeId, command: KvCommand) => ClientReply {
  let next = 0;
  return (via, command) => {
    let reply: ClientReply | null = null;
    sim.request(via, { ...command, requestId: `${prefix}-${next++}` } as never, (r) => {
      reply = r;
    });
    for (let i = 0; reply === null && i < 100_000; i++) sim.step();
    if (reply === null) throw new Error(`no reply to ${command.type} ${command.key}`);
    return reply;
  };
}
