/**
 * A running hash over a simulation's trace: every delivery and every timer firing is folded in as
 * a short text record. Two runs are the same run exactly when their hashes match (test T1). The
 * hash is two independent 32-bit FNV-1a-style lanes with different multipliers, giving 64 bits as 16
 * hex digits: not cryptographic, but collisions between honest runs are vanishingly unlikely.
 */

const timeView = new Float64Array(1);
const timeWords = new Uint32Array(timeView.buffer);
/** The lanes' multipliers. */
const laneOne = 0x01000193;
const laneTwo = 0x5bd1e995;
/** Separators: after a text field, and after a whole record. */
const fieldEnd = 0x1e;
const recordEnd = 0x1f;

export class TraceHash {
  private h1 = 0x811c9dc5;
  private h2 = 0x2c9277b5;
  records = 0;

  add(record: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < record.length; i++) {
      const c = record.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, laneOne);
      h2 = Math.imul(h2 ^ c, laneTwo);
    }
    // A separator, so that ["ab","c"] and ["a","bc"] differ.
    this.h1 = Math.imul(h1 ^ recordEnd, laneOne);
    this.h2 = Math.imul(h2 ^ recordEnd, laneTwo);
    this.records++;
  }

  /**
   * The hot records (a delivery, a request) field by field, with no text built: the time's float64
   * bits, then each text field followed by a separator. Little-endian float layout, as on every
   * platform the simulator runs on, so hashes compare across machines. Each lane is folded on its
   * own, in locals (the lanes never mix, so this is the same hash as folding both per value).
   */
  addFields(time: number, kind: string, a: string, b: string, id: number | string, what: string): void {
    timeView[0] = time;
    this.h1 = lane(this.h1, laneOne, kind, a, b, id, what);
    this.h2 = lane(this.h2, laneTwo, kind, a, b, id, what);
    this.records++;
  }

  hex(): string {
    const a = (this.h1 >>> 0).toString(16).padStart(8, '0');
    const b = (this.h2 >>> 0).toString(16).padStart(8, '0');
    return a + b;
  }
}

/** One lane over an `addFields` record: the time's words (in `timeWords`), the fields, the end. */
function lane(
  hash: number,
  prime: number,
  kind: string,
  a: string,
  b: string,
  id: number | string,
  what: string,
): number {
  let h = Math.imul(hash ^ (timeWords[0] as number), prime);
  h = Math.imul(h ^ (timeWords[1] as number), prime);
  h = text(h, prime, kind);
  h = text(h, prime, a);
  h = text(h, prime, b);
  h = typeof id === 'number' ? Math.imul(h ^ (id | 0), prime) : text(h, prime, id);
  h = text(h, prime, what);
  return Math.imul(h ^ recordEnd, prime);
}

function text(hash: number, prime: number, field: string): number {
  let h = hash;
  for (let i = 0; i < field.length; i++) h = Math.imul(h ^ field.charCodeAt(i), prime);
  return Math.imul(h ^ fieldEnd, prime);
}
