/**
 * Single-producer/single-consumer byte rings in SharedArrayBuffers, one per directed link, and a
 * doorbell per endpoint (the page or a node worker) that producers ring after writing.
 *
 *   ring SharedArrayBuffer:
 *   ┌ head (i32) ┬ … ┬ tail (i32) ┬ … ┬ wantSpace (i32) ┬ … ┬ data: capacity bytes ───────────┐
 *   └ byte 0     ┘   └ byte 64    ┘   └ byte 128        ┘   └ byte 192, wraps at capacity ─────┘
 *
 * `head` and `tail` count bytes written and read since the start, wrapping as int32; the position
 * in `data` is the count masked by capacity - 1 (capacity is a power of two), so `head - tail` is
 * the bytes in flight and a batch that crosses the end is copied in two pieces. Only the producer
 * stores `head`, only the consumer `tail`; the bytes are plain writes published by the
 * `Atomics.store` of `head` (sequentially consistent, so the consumer that loads `head` sees them).
 *
 * A producer writes a whole batch or nothing. When the ring lacks room it keeps the batch (and
 * every later one, to keep their order) in a spill queue, sets `wantSpace`, then looks at `tail`
 * once more (check after arm: the consumer may have drained meanwhile); a consumer that advances
 * `tail` and finds `wantSpace` set clears it and rings the producer's doorbell, and the producer
 * retries its spills when it wakes.
 *
 * Doorbells: one i32 counter per endpoint plus a `waiting` flag, each on its own 64-byte line.
 * A consumer loads its counter, drains all its rings, sets `waiting`, and waits with
 * `Atomics.waitAsync` for the counter to move from the value it loaded: a batch published after
 * that load has moved it, so the wait returns at once ('not-equal') and no wakeup is lost. A
 * producer adds 1 to the counter after publishing and calls `Atomics.notify` only when `waiting`
 * is set (with sequentially consistent atomics, either it sees the flag or the consumer's wait
 * sees the new counter), so a busy consumer costs its producers no notify.
 */

export const ringHeaderBytes = 192;
const headSlot = 0;
const tailSlot = 16;
const wantSpaceSlot = 32;
const bellStride = 16;

/** What the doorbells and rings count, for the experiment's figures. */
export interface RingStats {
  batches: number;
  notifies: number;
  wakes: number;
  spills: number;
}

export const newRingStats = (): RingStats => ({ batches: 0, notifies: 0, wakes: 0, spills: 0 });

export function ringBuffer(capacity: number): SharedArrayBuffer {
  if (capacity < 64 || (capacity & (capacity - 1)) !== 0) throw new Error('capacity must be a power of two');
  return new SharedArrayBuffer(ringHeaderBytes + capacity);
}

export class Doorbells {
  readonly cells: Int32Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    private readonly stats: RingStats,
  ) {
    this.cells = new Int32Array(buffer);
  }

  static create(endpoints: number): SharedArrayBuffer {
    return new SharedArrayBuffer(endpoints * bellStride * 4);
  }

  ring(endpoint: number): void {
    const at = endpoint * bellStride;
    Atomics.add(this.cells, at, 1);
    if (Atomics.load(this.cells, at + 1) === 0) return;
    this.stats.notifies++;
    Atomics.notify(this.cells, at, 1);
  }

  /**
   * Calls `drainAll` whenever `endpoint`'s bell has rung, until `stopped()`, keeping the event loop
   * free between wakes. After `spinsMax` wakes in a row that found the bell already moved, it
   * yields one macrotask (setTimeout 0) so the thread's other tasks (control messages) still run.
   */
  async serve(endpoint: number, drainAll: () => void, stopped: () => boolean): Promise<void> {
    const spinsMax = 16;
    const at = endpoint * bellStride;
    let spins = 0;
    while (!stopped()) {
      const seen = Atomics.load(this.cells, at);
      drainAll();
      Atomics.store(this.cells, at + 1, 1);
      const wait = Atomics.waitAsync(this.cells, at, seen);
      if (wait.async) {
        await wait.value;
        spins = 0;
      } else if (++spins >= spinsMax) {
        spins = 0;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      Atomics.store(this.cells, at + 1, 0);
      this.stats.wakes++;
    }
  }
}

export class RingProducer {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private readonly mask: number;
  private head: number;
  private readonly spills: Uint8Array[] = [];

  constructor(
    buffer: SharedArrayBuffer,
    private readonly bells: Doorbells,
    private readonly consumer: number,
    private readonly stats: RingStats,
  ) {
    this.header = new Int32Array(buffer, 0, ringHeaderBytes / 4);
    this.data = new Uint8Array(buffer, ringHeaderBytes);
    this.mask = this.data.length - 1;
    this.head = Atomics.load(this.header, headSlot);
  }

  /** Sends one batch (copied now, so the caller may reuse `bytes`) and rings the consumer. */
  send(bytes: Uint8Array): void {
    if (bytes.length > this.data.length) throw new Error('a batch larger than its ring');
    this.stats.batches++;
    if (this.spills.length === 0 && this.write(bytes)) {
      this.bells.ring(this.consumer);
      return;
    }
    this.spills.push(bytes.slice());
    this.stats.spills++;
    this.retry();
  }

  /** Writes what the spill queue holds while it fits; true when it is empty. Call on every wake. */
  retry(): boolean {
    let wrote = false;
    while (this.spills.length > 0) {
      if (!this.write(this.spills[0]!)) {
        Atomics.store(this.header, wantSpaceSlot, 1);
        if (!this.write(this.spills[0]!)) break; // the consumer will ring us when it drains
      }
      this.spills.shift();
      wrote = true;
    }
    if (wrote) this.bells.ring(this.consumer);
    return this.spills.length === 0;
  }

  get spilled(): number {
    return this.spills.length;
  }

  private write(bytes: Uint8Array): boolean {
    const tail = Atomics.load(this.header, tailSlot);
    if (bytes.length > this.data.length - ((this.head - tail) | 0)) return false;
    const at = this.head & this.mask;
    const first = Math.min(bytes.length, this.data.length - at);
    this.data.set(bytes.subarray(0, first), at);
    if (first < bytes.length) this.data.set(bytes.subarray(first), 0);
    this.head = (this.head + bytes.length) | 0;
    Atomics.store(this.header, headSlot, this.head);
    return true;
  }
}

export class RingConsumer {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private readonly mask: number;
  private tail: number;
  /** Non-shared: the codec decodes from here (TextDecoder refuses shared memory). */
  private readonly scratch: Uint8Array;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly bells: Doorbells,
    private readonly producer: number,
  ) {
    this.header = new Int32Array(buffer, 0, ringHeaderBytes / 4);
    this.data = new Uint8Array(buffer, ringHeaderBytes);
    this.mask = this.data.length - 1;
    this.tail = Atomics.load(this.header, tailSlot);
    this.scratch = new Uint8Array(this.data.length);
  }

  /** Copies out every byte published so far and frees its room; null when there is none. */
  drain(): Uint8Array | null {
    const head = Atomics.load(this.header, headSlot);
    const n = (head - this.tail) | 0;
    if (n === 0) return null;
    const at = this.tail & this.mask;
    const first = Math.min(n, this.data.length - at);
    this.scratch.set(this.data.subarray(at, at + first), 0);
    if (first < n) this.scratch.set(this.data.subarray(0, n - first), first);
    this.tail = head;
    Atomics.store(this.header, tailSlot, head);
    if (Atomics.load(this.header, wantSpaceSlot) === 1) {
      Atomics.store(this.header, wantSpaceSlot, 0);
      this.bells.ring(this.producer);
    }
    return this.scratch.subarray(0, n);
  }
}
