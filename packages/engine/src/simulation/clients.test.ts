import { describe, expect, it } from 'vitest';
import type { ClientReply, NodeEnv, NodeInput, StorageNode } from '../node/contract.ts';
import { emptyOutput } from '../node/contract.ts';
import { nodeId } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import type { KvRequest } from '../replication/requests.ts';
import { KvClient } from './clients.ts';
import { History } from './history.ts';
import { Simulation } from './simulation.ts';

const n1 = nodeId('n1');
const timeoutMs = 1_000;
const slowMs = 1_500;

/**
 * A node that answers keys `fast…` at once, keys `slow…` after `slowMs` (later than the client
 * waits), and keys `silent…` never.
 */
function scriptedNode(env: NodeEnv): StorageNode {
  const late: { at: number; reply: ClientReply }[] = [];
  const replyTo = (request: KvRequest): ClientReply =>
    request.type === 'get'
      ? {
          type: 'get',
          requestId: request.requestId,
          coordinator: env.id,
          ok: true,
          siblings: [],
          context: [],
          answeredBy: [env.id],
        }
      : {
          type: request.type,
          requestId: request.requestId,
          coordinator: env.id,
          ok: true,
          clock: [{ node: env.id, counter: 1, timestamp: 0 }],
          ackedBy: [env.id],
        };
  return {
    id: env.id,
    step(input: NodeInput) {
      const out = emptyOutput();
      if (input.type === 'request' && input.request.type !== 'stats') {
        const request = input.request as KvRequest;
        if (request.key.startsWith('fast')) out.replies.push(replyTo(request));
        if (request.key.startsWith('slow')) late.push({ at: input.now + slowMs, reply: replyTo(request) });
      }
      while (late.length > 0 && (late[0]?.at ?? Number.POSITIVE_INFINITY) <= input.now)
        out.replies.push(late.shift()!.reply);
      out.wakeAt = late[0]?.at ?? null;
      return out;
    },
    sync() {},
    snapshot: (now) => ({ id: env.id, kind: 'scripted', at: now }),
    close() {},
  } as StorageNode;
}

function setup() {
  const sim = new Simulation({ seed: 1, nodes: [n1], createNode: scriptedNode });
  const history = new History();
  let next = 10;
  const client = new KvClient({
    sim,
    history,
    process: 1,
    nextProcess: () => next++,
    coordinator: { kind: 'bound', node: n1 },
    rng: new Rng(1),
    timeoutMs,
  });
  return { sim, history, client };
}

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('KvClient timeouts', () => {
  it('times each request out at its own deadline, however many were answered before it', () => {
    const { sim, history, client } = setup();
    sim.schedule(0, 'fast get', () => client.get('fast1', undefined, () => {}));
    sim.schedule(100, 'fast put', () => client.put('fast1', bytes('a'), undefined, () => {}));
    sim.schedule(700, 'silent get', () => client.get('silent1', undefined, () => {}));
    sim.schedule(3_000, 'silent put', () => client.put('silent1', bytes('b'), undefined, () => {}));
    sim.runUntil(10_000);
    const completions = history.ops.filter((op) => op.type !== 'invoke');
    expect(completions.map((op) => `${op.type} ${op.f} ${op.key} @${op.time} p${op.process}`)).toEqual([
      'ok get fast1 @0 p1',
      'ok put fast1 @100 p1',
      'fail get silent1 @1700 p1', // a read that timed out certainly changed nothing
      'info put silent1 @4000 p1', // a write that timed out may have happened
    ]);
    expect(completions[2]?.error?.code).toBe('KV_TIMEOUT');
    expect(history.openOps()).toEqual([]);
  });

  it('ignores a reply that comes after the client gave up, and goes on as a new process', () => {
    const { sim, history, client } = setup();
    sim.schedule(0, 'slow put', () =>
      client.put('slow1', bytes('a'), undefined, () =>
        client.get('fast1', undefined, () => client.get('fast2', undefined, () => {})),
      ),
    );
    sim.runUntil(10_000);
    expect(history.ops.map((op) => `${op.type} ${op.f} ${op.key} @${op.time} p${op.process}`)).toEqual([
      'invoke put slow1 @0 p1',
      'info put slow1 @1000 p1',
      'invoke get fast1 @1000 p10',
      'ok get fast1 @1000 p10',
      'invoke get fast2 @1000 p10',
      'ok get fast2 @1000 p10',
    ]);
    expect(client.busy).toBe(false);
  });
});
