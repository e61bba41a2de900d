/**
 * An asynchronous task run every `ms` while started, one round at a time: a round still running
 * when the next is due (a slow or paused worker) makes that one skip, so rounds never pile up. The
 * snapshot poller and the divergence probe read the workers this way.
 */

export class Repeating {
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy = false;

  constructor(
    private readonly ms: number,
    private readonly task: () => Promise<void>,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.run(), this.ms);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round now, unless one is running. */
  async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.task();
    } finally {
      this.busy = false;
    }
  }
}
