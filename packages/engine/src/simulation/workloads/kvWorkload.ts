/**
 * The kv workload: `clients` processes issue gets, puts and deletes in the scenario's mix over keys
 * `k1` … `kN` (uniform or Zipf), with values of `valueBytes` text bytes, at `ratePerSecond` over all
 * clients, for `durationMs`. Client i is bound to node i mod nodes (Jepsen binds each client to one
 * node, so a partition splits the clients too). After the settle time one more process reads every
 * key that was written with R = N (falling back to the workload's R if that fails): the final reads
 * P9 judges.
 */

import type { NodeId } from '../../protocol/ids.ts';
import type { KvWorkload } from '../../scenario/types.ts';
import { KvClient } from '../clients.ts';
import { historyValueOfBytes } from '../history.ts';
import { keyNames, uniformKeys, zipfKeys } from './keys.ts';
import {
  meanGapMs,
  ProcessNumbers,
  paceClient,
  type RunningWorkload,
  upNode,
  type WorkloadContext,
} from './workload.ts';

const filler = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A unique, readable ASCII value of exactly `bytes` bytes (at least 1): the label `p<process>.<n>:`
 * then the filler repeated, cut to length. `padding` is the filler repeated to at least `bytes`.
 * ASCII, so the text is the value's history form as it is: the reads of it decode nothing.
 */
function valueText(process: number, sequence: number, bytes: number, padding: string): string {
  return `p${process}.${sequence}:${padding}`.slice(0, Math.max(bytes, 1));
}

export function startKvWorkload(spec: KvWorkload, context: WorkloadContext): RunningWorkload {
  const { sim, history, rng, nodes } = context;
  const processes = new ProcessNumbers(spec.clients);
  const written = new Set<string>();
  const state = { finished: false };
  const { get, put } = spec.mix;
  const total = spec.mix.get + spec.mix.put + spec.mix.delete;
  const padding = filler.repeat(Math.ceil(spec.valueBytes / filler.length));
  for (let i = 0; i < spec.clients; i++) {
    const clientRng = rng.fork(`client/${i}`);
    const chooseKey =
      spec.keyDistribution === 'zipf' ? zipfKeys(spec.keys, clientRng) : uniformKeys(spec.keys, clientRng);
    const client = new KvClient({
      sim,
      history,
      process: i,
      nextProcess: processes.take,
      coordinator: { kind: 'bound', node: nodes[i % nodes.length] as NodeId },
      rng: clientRng,
      timeoutMs: context.clientTimeoutMs,
      forms: context.forms,
    });
    let sequence = 0;
    paceClient(
      sim,
      clientRng,
      meanGapMs(spec.clients, spec.ratePerSecond),
      spec.durationMs,
      `kv ${i}`,
      (done) => {
        const key = chooseKey();
        const pick = clientRng.float() * total;
        if (pick < get) return client.get(key, spec.r, done);
        written.add(key);
        if (pick < get + put) {
          const text = valueText(client.process, sequence++, spec.valueBytes, padding);
          return client.put(key, context.forms.bytesOfText(text), spec.w, done, text);
        }
        client.delete(key, spec.w, done);
      },
    );
  }
  sim.schedule(spec.durationMs + spec.settleMs, 'final reads', () => {
    const keys = keyNames(spec.keys).filter((key) => written.has(key));
    finalReads(keys, context, spec.r, processes.take(), () => {
      state.finished = true;
    });
  });
  return {
    get finished() {
      return state.finished;
    },
    decoderFor: () => historyValueOfBytes,
  };
}

/** Reads `keys` one after another from one new process, R = N first, then the workload's R. */
function finalReads(
  keys: string[],
  context: WorkloadContext,
  r: KvWorkload['r'],
  process: number,
  done: () => void,
): void {
  const { sim, history, rng, nodes } = context;
  const client = new KvClient({
    sim,
    history,
    process,
    nextProcess: () => process,
    coordinator: { kind: 'random', nodes: [...nodes] },
    rng: rng.fork('final'),
    timeoutMs: context.clientTimeoutMs,
    forms: context.forms,
  });
  let i = 0;
  const readNext = (level: KvWorkload['r'] | 'N') => {
    const key = keys[i];
    const node = upNode(sim, nodes, i);
    if (key === undefined || node === null) return done();
    client.get(
      key,
      level === 'N' ? context.n : level,
      (ok) => {
        if (!ok && level === 'N') return readNext(r);
        i++;
        readNext('N');
      },
      node,
    );
  };
  readNext('N');
}
