/**
 * The Jepsen set workload (TESTING T2, after Kingsbury's Riak analysis): `clients` processes, client
 * i bound to node i mod nodes, add the integers 0 … elements−1 (each attempted once, handed out in
 * order) to one key by read–union–write with context, at `ratePerSecond` over all clients, until the
 * elements or the duration run out. After the settle time one more process reads the set with
 * R = `finalReadR`, trying the nodes that are up in turn until one read succeeds: the final read the
 * set checker compares every acknowledged add with.
 */

import type { NodeId } from '../../protocol/ids.ts';
import type { SetWorkload } from '../../scenario/types.ts';
import { SetClient } from '../clients.ts';
import { historyValueOfBytes } from '../history.ts';
import { decodeElements } from './setElements.ts';
import {
  meanGapMs,
  ProcessNumbers,
  paceClient,
  type RunningWorkload,
  upNode,
  type WorkloadContext,
} from './workload.ts';

export function startSetWorkload(spec: SetWorkload, context: WorkloadContext): RunningWorkload {
  const { sim, history, rng, nodes } = context;
  const processes = new ProcessNumbers(spec.clients);
  const state = { nextElement: 0, finished: false };
  const levels = {
    ...(spec.r === undefined ? {} : { r: spec.r }),
    ...(spec.w === undefined ? {} : { w: spec.w }),
  };
  for (let i = 0; i < spec.clients; i++) {
    const clientRng = rng.fork(`client/${i}`);
    const client = new SetClient({
      sim,
      history,
      process: i,
      nextProcess: processes.take,
      coordinator: { kind: 'bound', node: nodes[i % nodes.length] as NodeId },
      rng: clientRng,
      timeoutMs: context.clientTimeoutMs,
      forms: context.forms,
    });
    paceClient(
      sim,
      clientRng,
      meanGapMs(spec.clients, spec.ratePerSecond),
      spec.durationMs,
      `set ${i}`,
      (done) => {
        if (state.nextElement >= spec.elements) return;
        client.add(spec.key, state.nextElement++, levels, done);
      },
    );
  }
  sim.schedule(spec.durationMs + spec.settleMs, 'final read', () => {
    const reader = new SetClient({
      sim,
      history,
      process: processes.take(),
      nextProcess: processes.take,
      coordinator: { kind: 'random', nodes: [...nodes] },
      rng: rng.fork('final'),
      timeoutMs: context.clientTimeoutMs,
      forms: context.forms,
    });
    let attempt = 0;
    const tryRead = () => {
      const node = attempt < nodes.length ? upNode(sim, nodes, attempt) : null;
      attempt++;
      if (node === null) {
        state.finished = true;
        return;
      }
      reader.read(spec.key, spec.finalReadR, node, (ok) => {
        if (ok) state.finished = true;
        else tryRead();
      });
    };
    tryRead();
  });
  return {
    get finished() {
      return state.finished;
    },
    decoderFor: (key) => (key === spec.key ? decodeElements : historyValueOfBytes),
  };
}
