/**
 * Synthetic histories for the checkers' tests: a tiny script of operations, each written as one
 * line, recorded through the real `History` recorder so that the records have exactly the shape a
 * producer gives them. Times advance by 1 ms per record unless a step says otherwise.
 */

import {
  History,
  type HistoryClock,
  type HistoryOp,
  type HistorySibling,
  type HistoryValue,
  type OpHandle,
} from '../../history.ts';

export class Script {
  readonly history = new History();
  private now = 0;
  private readonly handles = new Map<number, OpHandle>();

  at(time: number): this {
    this.now = time;
    return this;
  }

  private tick(): number {
    this.now += 1;
    return this.now;
  }

  putInvoke(process: number, key: string, value: HistoryValue, context: HistoryClock | null = null): this {
    this.handles.set(process, this.history.invoke({ process, f: 'put', key, value, context }, this.tick()));
    return this;
  }

  deleteInvoke(process: number, key: string, context: HistoryClock | null = null): this {
    this.handles.set(process, this.history.invoke({ process, f: 'delete', key, context }, this.tick()));
    return this;
  }

  addInvoke(process: number, key: string, element: number): this {
    this.handles.set(process, this.history.invoke({ process, f: 'add', key, value: element }, this.tick()));
    return this;
  }

  getInvoke(process: number, key: string, f: 'get' | 'read' = 'get'): this {
    this.handles.set(process, this.history.invoke({ process, f, key }, this.tick()));
    return this;
  }

  /** Completes a write of `process` with the clock of the version it created. */
  written(process: number, clock: HistoryClock): this {
    this.history.ok(this.handle(process), this.tick(), { clock });
    return this;
  }

  /** Completes a read of `process`; the context is the merge of the siblings' clocks unless given. */
  read(process: number, siblings: HistorySibling[], context?: HistoryClock, value?: HistoryValue): this {
    const fields = { siblings, context: context ?? mergeClocks(siblings.map((s) => s.clock)) };
    this.history.ok(this.handle(process), this.tick(), value === undefined ? fields : { ...fields, value });
    return this;
  }

  failed(process: number): this {
    this.history.fail(this.handle(process), this.tick(), {
      error: { code: 'KV_QUORUM_FAILED', message: 'no quorum' },
    });
    return this;
  }

  timedOut(process: number): this {
    this.history.info(this.handle(process), this.tick(), {
      error: { code: 'KV_TIMEOUT', message: 'timed out' },
    });
    return this;
  }

  /** put … ok in one step. */
  put(
    process: number,
    key: string,
    value: HistoryValue,
    clock: HistoryClock,
    context: HistoryClock | null = null,
  ): this {
    return this.putInvoke(process, key, value, context).written(process, clock);
  }

  /** get … ok in one step. */
  get(process: number, key: string, siblings: HistorySibling[], context?: HistoryClock): this {
    return this.getInvoke(process, key).read(process, siblings, context);
  }

  get ops(): readonly HistoryOp[] {
    return this.history.ops;
  }

  private handle(process: number): OpHandle {
    const handle = this.handles.get(process);
    if (handle === undefined) throw new Error(`process ${process} has nothing open`);
    this.handles.delete(process);
    return handle;
  }
}

/** Test-only pointwise maximum (the checkers themselves use the versioning module). */
function mergeClocks(clocks: HistoryClock[]): HistoryClock {
  const out: HistoryClock = {};
  for (const clock of clocks)
    for (const [node, counter] of Object.entries(clock)) out[node] = Math.max(out[node] ?? 0, counter);
  return out;
}
