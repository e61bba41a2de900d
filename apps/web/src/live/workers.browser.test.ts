/**
 * Real-browser checks of the two things the live driver rests on: workers talking to each other over
 * a MessageChannel, and OPFS sync access handles inside a worker. Then the live driver itself: two
 * node workers started by `LiveCluster` exchange pings and pongs.
 */
import { nodeIds } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { createLabStore } from './labStore.ts';
import { LiveCluster } from './liveCluster.ts';

function probe(): Worker {
  return new Worker(new URL('../worker/testing/probe.worker.ts', import.meta.url), { type: 'module' });
}

function next(worker: Worker, type: string): Promise<{ text: string }> {
  return new Promise((resolve) => {
    const listener = (e: MessageEvent) => {
      if (e.data?.type === type) {
        worker.removeEventListener('message', listener);
        resolve(e.data);
      }
    };
    worker.addEventListener('message', listener);
  });
}

describe('workers in a real browser', () => {
  it('talk to each other over a MessageChannel', async () => {
    const a = probe();
    const b = probe();
    const channel = new MessageChannel();
    a.postMessage({ type: 'port', port: channel.port1 }, [channel.port1]);
    b.postMessage({ type: 'port', port: channel.port2 }, [channel.port2]);
    const received = next(b, 'from-peer');
    a.postMessage({ type: 'send', text: 'hello from a' });
    expect((await received).text).toBe('hello from a');
    a.terminate();
    b.terminate();
  });

  it('write, flush and read back a file through an OPFS sync access handle', async () => {
    const worker = probe();
    const reply = next(worker, 'opfs');
    worker.postMessage({ type: 'opfs', name: 'probe-roundtrip.bin', text: 'durable bytes ✓' });
    expect((await reply).text).toBe('durable bytes ✓');
    worker.terminate();
  });

  it('run nodes in workers that exchange pings and pongs through LiveCluster', async () => {
    const ids = nodeIds(2);
    const store = createLabStore(ids, 0);
    const cluster = new LiveCluster(ids, store, 7);
    await cluster.startAll();
    await expect
      .poll(() => store.getState().counters.delivered, { timeout: 5_000 })
      .toBeGreaterThanOrEqual(4);
    expect(Object.values(store.getState().nodes).map((n) => n.status)).toEqual(['up', 'up']);
    cluster.stopAll();
  });
});
