/**
 * The client panel writes deletes and merges with the context of *this* key: the context of its last
 * get of the key, or, for a delete with none, of a get it sends just before (a blind tombstone only
 * stood beside the value: put, delete, get showed both). An answer for another key lends nothing,
 * and says which key it is for. Each sibling shows what its writer saw, since two blind writes
 * through one coordinator have clocks that look ordered, and a stand-in names the owner it acked
 * for. Driven through the DOM against a client that keeps sibling sets with the engine's own rules.
 */

import {
  contextOf,
  emptyClock,
  type KvReply,
  newVersion,
  nodeId,
  syncSiblings,
  type VectorClock,
  type Version,
} from '@kvscope/engine';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabClient } from '../live/labClient.ts';
import { defaultSettings } from '../live/settings.ts';
import { ClientPanel } from './ClientPanel.tsx';

interface Call {
  op: 'get' | 'put' | 'delete';
  key: string;
  context?: VectorClock;
}

/** One coordinator, n1, that applies every write to a sibling set per key as a replica does. */
class SiblingClient {
  lastRequestId: string | null = null;
  readonly calls: Call[] = [];
  failGets = false;
  /** Stand-ins the next replies name (a sloppy quorum), stand-in → owner. */
  standIns: Record<string, NodeId> | null = null;
  private readonly keys = new Map<string, Version[]>();
  private now = 0;

  get(key: string): Promise<KvReply> {
    this.sent({ op: 'get', key });
    const requestId = this.lastRequestId ?? '';
    if (this.failGets) {
      const error = { code: 'KV_TIMEOUT', message: 'only 1 of 3 replicas answered within 200 ms; R=2' };
      return Promise.resolve({
        type: 'get',
        ok: false,
        outcome: 'fail',
        error,
        requestId,
        coordinator: nodeId('n1'),
      } as KvReply);
    }
    const siblings = this.keys.get(key) ?? [];
    return Promise.resolve({
      type: 'get',
      ok: true,
      siblings,
      context: contextOf(siblings),
      answeredBy: [nodeId('n1'), nodeId('n2')],
      requestId,
      coordinator: nodeId('n1'),
    });
  }
  put(key: string, value: string, options: { context?: VectorClock } = {}): Promise<KvReply> {
    return this.write('put', key, new TextEncoder().encode(value), options.context);
  }
  delete(key: string, options: { context?: VectorClock } = {}): Promise<KvReply> {
    return this.write('delete', key, null, options.context);
  }

  private write(op: 'put' | 'delete', key: string, value: Uint8Array | null, context?: VectorClock) {
    this.sent({ op, key, ...(context ? { context } : {}) });
    const local = this.keys.get(key) ?? [];
    const version = newVersion({
      context: context ?? emptyClock,
      coordinator: nodeId('n1'),
      now: ++this.now,
      value,
      local,
    });
    this.keys.set(key, syncSiblings(local, [version]));
    return Promise.resolve({
      type: op,
      ok: true,
      clock: version.clock,
      ackedBy: [nodeId('n1'), nodeId('n2')],
      ...(this.standIns && { standIns: this.standIns }),
      requestId: this.lastRequestId ?? '',
      coordinator: nodeId('n1'),
    } as KvReply);
  }
  private sent(call: Call): void {
    this.calls.push(call);
    this.lastRequestId = `c${this.calls.length}`;
  }
}

describe('the client panel', () => {
  let host: HTMLDivElement;
  let root: Root;
  let client: SiblingClient;
  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    client = new SiblingClient();
    const order = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId);
    flushSync(() =>
      root.render(
        createElement(ClientPanel, {
          client: client as unknown as LabClient,
          order,
          ringNodes: order,
          settings: defaultSettings,
          selectedKey: null,
          onRequest: () => {},
        }),
      ),
    );
  });
  afterEach(() => {
    root.unmount();
    host.remove();
  });

  const byId = (id: string) => host.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
  const result = () => byId('client-result')?.textContent ?? '';
  /** Types into a React-controlled input: the value setter React watches, then an input event. */
  const type = (id: string, text: string) => {
    const input = byId(id) as HTMLInputElement;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  /** Clicks a button and waits until the panel shows a new answer. */
  const click = async (id: string) => {
    const before = result();
    byId(id)?.click();
    await vi.waitFor(() => expect(result()).not.toBe(before));
  };

  /** Two blind puts of fig through n1, then a get: two siblings, a and b. */
  const siblingsOfFig = async () => {
    type('client-key', 'fig');
    type('client-value', 'a');
    await click('client-put');
    type('client-value', 'b');
    await click('client-put');
    await click('client-get');
  };

  it('deletes what it put: the delete reads the key first and writes with that context', async () => {
    type('client-key', 'plum');
    type('client-value', 'red');
    await click('client-put');
    await click('client-delete');
    expect(client.calls.map((c) => c.op)).toEqual(['put', 'get', 'delete']);
    expect(client.calls[2]?.context?.map((e) => `${e.node}:${e.counter}`)).toEqual(['n1:1']);
    expect(result()).toContain('plum ✓ delete acknowledged');
    expect(result()).toContain('Written with the context of a get just before');
    await click('client-get');
    expect(host.querySelectorAll('[data-testid="client-sibling"]')).toHaveLength(1);
    expect(result()).toContain('(deleted: a tombstone)');
  });

  it("lends no key another key's context, and shows which key an answer is for", async () => {
    await siblingsOfFig();
    expect(host.querySelectorAll('[data-testid="client-sibling"]')).toHaveLength(2);
    expect(byId('client-merge')).not.toBeNull();
    type('client-key', 'kiwi');
    expect(byId('client-merge')).toBeNull();
    expect(result()).toMatch(/^fig ✓ get answered/);
    await click('client-delete');
    expect(client.calls.slice(-2)).toEqual([
      { op: 'get', key: 'kiwi' },
      { op: 'delete', key: 'kiwi', context: [] },
    ]);
  });

  it('merges siblings with the context of their get, and says what each sibling saw', async () => {
    await siblingsOfFig();
    // Both blind writes went through n1: [n1:1] and [n1:2] look ordered, yet neither saw the other.
    const siblings = [...host.querySelectorAll('[data-testid="client-sibling"]')].map((li) => li.textContent);
    expect(siblings).toEqual(['a [n1:1] saw nothing', 'b [n1:2] saw nothing']);
    expect(byId('client-siblings-why')?.textContent).toContain('neither write saw the other');
    type('client-value', 'ab');
    await click('client-merge');
    expect(client.calls.at(-1)).toMatchObject({ op: 'put', key: 'fig' });
    expect(client.calls.at(-1)?.context?.map((e) => `${e.node}:${e.counter}`)).toEqual(['n1:2']);
    expect(result()).toContain('Written with the context of your last get, [n1:2]');
    await click('client-get');
    expect(byId('client-sibling')?.textContent).toBe('ab [n1:3] saw [n1:2]');
  });

  it('names the owner a stand-in acknowledged a write for', async () => {
    client.standIns = { n2: nodeId('n5') };
    type('client-key', 'plum');
    await click('client-put');
    expect(result()).toContain('acknowledged by n1, n2 (standing in for n5, holding a hint) via n1');
  });

  it('sends no delete when the read before it fails, and says so', async () => {
    type('client-key', 'plum');
    client.failGets = true;
    await click('client-delete');
    expect(client.calls.map((c) => c.op)).toEqual(['get']);
    expect(result()).toContain('KV_TIMEOUT');
    expect(result()).toContain('that read failed, so nothing was deleted');
  });
});
