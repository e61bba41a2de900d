/**
 * The page's running node workers, by id, and the two things that must hold for each of them: a
 * call to a worker settles even when the worker is terminated before it answers (Comlink's never
 * would), and a worker is terminated in one place, which says so to every call still waiting.
 *
 * Why: a round of snapshots, a heal or a run check awaiting a worker that a kill or a retirement
 * terminated meanwhile waited for ever — Heal all struck as a decommissioned node was retired did
 * (the live nemesis with membership changes), and the snapshot poller, one round at a time, would
 * have stopped for good.
 */

import type { NodeId } from '@kvscope/engine';
import type { Running } from './nodeStartup.ts';

export class RunningNodes extends Map<NodeId, Running> {
  /** `call` on `id`'s worker; `gone` when it is not running, or is terminated before it answers. */
  ask<T, G>(id: NodeId, call: (api: Running['api']) => Promise<T>, gone: G): Promise<T | G> {
    const node = this.get(id);
    if (!node) return Promise.resolve(gone);
    return Promise.race([call(node.api), node.gone.then(() => gone)]);
  }

  /** `call` on every running worker, each settled as `ask` settles it. */
  askAll<T>(call: (api: Running['api']) => Promise<T>): Promise<(T | null)[]> {
    return Promise.all([...this.keys()].map((id) => this.ask(id, call, null)));
  }

  /** Terminates `id`'s worker at once; false when it was not running. */
  terminate(id: NodeId): boolean {
    const node = this.get(id);
    if (!node) return false;
    node.worker.terminate();
    node.markGone();
    node.requests.close();
    this.delete(id);
    // Requests it was coordinating will never be answered: their outcome is unknown (they may
    // have been stored), which the client's own timeout reports as `info`.
    node.waiting.clear();
    return true;
  }

  /** Closes the node's files before terminating, so the next worker finds them unlocked at once. */
  async stopGracefully(id: NodeId): Promise<void> {
    const node = this.get(id);
    if (!node) return;
    await Promise.race([node.api.stop(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
    this.terminate(id);
  }
}
