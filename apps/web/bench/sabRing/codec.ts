/**
 * A hand-written binary codec for the experiment's messages (messages.ts): what a transport without
 * structured clone must do instead. Each message is a tag byte and its fields in a fixed order;
 * strings are a u16 byte length and UTF-8 (ASCII written and read by hand, the rest through
 * TextEncoder/TextDecoder), byte arrays a u32 length and the bytes, numbers u32 or f64.
 *
 * Messages are self-delimiting, so a batch is just messages back to back. The decoder builds the
 * same plain objects structured clone would, so both transports hand the receiver equal work.
 * It reads only from non-shared memory (TextDecoder refuses views of a SharedArrayBuffer); the
 * ring copies a drained span out before decoding it. A truncated batch throws a RangeError from
 * the DataView, an unknown tag an Error: here both are bugs, as the ring never delivers half a batch.
 */

import type { ClockEntry, Envelope, Message, PutReply, ReplicaPut, ReplicaPutAck } from './messages.ts';

enum Tag {
  request = 1,
  replicaPut = 2,
  ack = 3,
  reply = 4,
  ping = 5,
  pong = 6,
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** A growable byte buffer that messages are encoded into. */
export class Writer {
  bytes = new Uint8Array(4096);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  /** The encoded bytes so far (a view, valid until the next write). */
  get written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, at + n));
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = at + n;
    return at;
  }

  // Each writer reserves before it reads `this.view` or `this.bytes`: reserving may replace them.
  u8(v: number): void {
    const at = this.reserve(1);
    this.view.setUint8(at, v);
  }

  u32(v: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
  }

  f64(v: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, v, true);
  }

  str(s: string): void {
    let ascii = true;
    for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
    if (!ascii) {
      const encoded = textEncoder.encode(s);
      this.u16(encoded.length);
      const at = this.reserve(encoded.length);
      this.bytes.set(encoded, at);
      return;
    }
    this.u16(s.length);
    const at = this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.bytes[at + i] = s.charCodeAt(i);
  }

  bytesField(b: Uint8Array): void {
    this.u32(b.length);
    const at = this.reserve(b.length);
    this.bytes.set(b, at);
  }

  private u16(v: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
  }
}

/** Reads messages back from a non-shared byte span. */
export class Reader {
  private readonly view: DataView;
  at = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  u8(): number {
    const v = this.view.getUint8(this.at);
    this.at += 1;
    return v;
  }

  u32(): number {
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  f64(): number {
    const v = this.view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }

  str(): string {
    const n = this.view.getUint16(this.at, true);
    const start = this.at + 2;
    this.take(2 + n);
    let s = '';
    for (let i = start; i < start + n; i++) {
      const c = this.bytes[i]!;
      if (c >= 0x80) return textDecoder.decode(this.bytes.subarray(start, start + n));
      s += String.fromCharCode(c);
    }
    return s;
  }

  bytesField(): Uint8Array {
    const n = this.u32();
    const start = this.at;
    this.take(n);
    return this.bytes.slice(start, start + n);
  }

  private take(n: number): void {
    if (this.at + n > this.bytes.length) throw new RangeError('a message runs past the end of its batch');
    this.at += n;
  }
}

function writeClock(w: Writer, clock: ClockEntry[]): void {
  w.u8(clock.length);
  for (const e of clock) {
    w.str(e.node);
    w.u32(e.counter);
    w.f64(e.timestamp);
  }
}

function readClock(r: Reader): ClockEntry[] {
  const n = r.u8();
  const clock: ClockEntry[] = [];
  for (let i = 0; i < n; i++) clock.push({ node: r.str(), counter: r.u32(), timestamp: r.f64() });
  return clock;
}

/** Appends `m` to `w`. */
export function encode(w: Writer, m: Message): void {
  if ('request' in m) {
    w.u8(Tag.request);
    w.str(m.request.requestId);
    w.str(m.request.key);
    w.bytesField(m.request.value);
    w.u8(m.traced ? 1 : 0);
  } else if ('body' in m) {
    w.u8(m.body.type === 'replica-put' ? Tag.replicaPut : Tag.ack);
    w.str(m.from);
    w.str(m.to);
    w.u32(m.id);
    w.u32(m.body.op);
    if (m.body.type === 'replica-put') encodeReplicaPut(w, m.body);
    else w.u8(m.body.ok ? 1 : 0);
  } else if (m.type === 'put') {
    w.u8(Tag.reply);
    w.str(m.requestId);
    w.str(m.coordinator);
    writeClock(w, m.clock);
    w.u8(m.ackedBy.length);
    for (const node of m.ackedBy) w.str(node);
  } else {
    w.u8(m.type === 'ping' ? Tag.ping : Tag.pong);
    w.u32(m.seq);
  }
}

function encodeReplicaPut(w: Writer, body: ReplicaPut): void {
  w.str(body.key);
  w.u8(body.versions.length);
  for (const v of body.versions) {
    writeClock(w, v.clock);
    w.bytesField(v.value);
    w.f64(v.timestamp);
  }
}

/** Reads the next message of a batch. */
export function decode(r: Reader): Message {
  const tag = r.u8();
  switch (tag) {
    case Tag.request: {
      const requestId = r.str();
      const key = r.str();
      const value = r.bytesField();
      return { request: { type: 'put', requestId, key, value }, traced: r.u8() === 1 };
    }
    case Tag.replicaPut:
    case Tag.ack:
      return decodeEnvelope(r, tag);
    case Tag.reply: {
      const requestId = r.str();
      const coordinator = r.str();
      const clock = readClock(r);
      const ackedBy: string[] = [];
      for (let n = r.u8(); n > 0; n--) ackedBy.push(r.str());
      const reply: PutReply = { type: 'put', ok: true, requestId, coordinator, clock, ackedBy };
      return reply;
    }
    case Tag.ping:
      return { type: 'ping', seq: r.u32() };
    case Tag.pong:
      return { type: 'pong', seq: r.u32() };
    default:
      throw new Error(`unknown message tag ${tag}`);
  }
}

function decodeEnvelope(r: Reader, tag: Tag): Envelope<ReplicaPut> | Envelope<ReplicaPutAck> {
  const from = r.str();
  const to = r.str();
  const id = r.u32();
  const op = r.u32();
  if (tag === Tag.ack) return { from, to, id, body: { type: 'replica-put-ack', op, ok: r.u8() === 1 } };
  const key = r.str();
  const versions = [];
  for (let n = r.u8(); n > 0; n--) {
    const clock = readClock(r);
    const value = r.bytesField();
    versions.push({ clock, value, timestamp: r.f64() });
  }
  return { from, to, id, body: { type: 'replica-put', op, key, versions } };
}

/** Decodes every message of a batch, in order. */
export function decodeBatch(bytes: Uint8Array, each: (m: Message) => void): void {
  const r = new Reader(bytes);
  while (!r.done) each(decode(r));
}
