/**
 * When the workers' event batches reach the store. Each fold is a store update and so a render:
 * every frame while single messages are drawn moving; ten times a second at full speed, where the
 * page shows counts and rates, and a render per frame cost as much of the page's main thread as
 * the client's requests themselves. Batches from every worker are folded together, except that a
 * batch with a change of the ring or of a node's life is folded at once: the membership changes act
 * on those events as they arrive (retiring a node that left), and the store must have them first.
 */

import type { EventBatch } from '../shared/workerApi.ts';
import { applyEvents, foldsAtOnce } from './foldEvents.ts';
import type { LabStore } from './labStore.ts';
import { messageEventsFor } from './nodeStartup.ts';

function foldIntervalFor(linkDelayMs: number): number {
  return messageEventsFor(linkDelayMs) ? 16 : 100;
}

export class BatchFold {
  private batches: EventBatch[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly store: LabStore) {}

  add(batch: EventBatch): void {
    this.batches.push(batch);
    if (batch.events.some(foldsAtOnce)) this.fold();
    else if (this.timer === null)
      this.timer = setTimeout(() => this.fold(), foldIntervalFor(this.store.getState().linkDelayMs));
  }

  private fold(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batches = this.batches;
    this.batches = [];
    this.store.setState((s) => applyEvents(s, batches));
  }
}
