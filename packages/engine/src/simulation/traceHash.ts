/**
 * A running hash over a simulation's trace: every delivery and every timer firing is folded in as
 * a short text record. Two runs are the same run exactly when their hashes match (test T1). The
 * hash is two independent 32-bit FNV-1a-style lanes with different multipliers, giving 64 bits as 16
 * hex digits: not cryptographic, but collisions between honest runs are vanishingly unlikely.
 */

const timeView = new Float64Array(1);
const timeWords = new Uint32Array(timeView.buffer);

export class TraceHash {
  private h1 = 0x811c9dc5;
  private h2 = 0x2c9277b5;
  records = 0;

  add(record: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < record.length; i++) {
      const c = record.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    // A separator, so that ["ab","c"] and ["a","bc"] differ.
    this.h1 = Math.imul(h1 ^ 0x1f, 0x01000193);
    this.h2 = Math.imul(h2 ^ 0x1f, 0x5bd1e995);
    this.records++;
  }

  /**
   * The hot records (a delivery, a request) field by field, with no text built: the time's float64
   * bits, then each text field followed by a separator. Little-endian float layout, as on every
   * platform the simulator runs on, so hashes compare across machines.
   */
  addFields(time: number, kind: string, a: string, b: string, id: number | string, what: string): void {
    timeView[0] = time;
    this.mix(timeWords[0] as number);
    this.mix(timeWords[1] as number);
    this.mixText(kind);
    this.mixText(a);
    this.mixText(b);
    if (typeof id === 'number') this.mix(id | 0);
    else this.mixText(id);
    this.mixText(what);
    this.mix(0x1f);
    this.records++;
  }

  private mixText(field: string): void {
    for (let i = 0; i < field.length; i++) this.mix(field.charCodeAt(i));
    this.mix(0x1e);
  }

  private mix(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ c, 0x5bd1e995);
  }

  hex(): string {
    const a = (this.h1 >>> 0).toString(16).padStart(8, '0');
    const b = (this.h2 >>> 0).toString(16).padStart(8, '0');
    return a + b;
  }
}
