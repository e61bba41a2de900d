/**
 * Natural logarithm and exponential computed with +, −, × and ÷ alone, so that they give the same
 * double, bit for bit, in every JavaScript engine. `Math.log`, `Math.exp` and their kin are not
 * required to be correctly rounded, and V8's versions differ between releases: the same scenario
 * and seed gave Node 20 and Chromium 156 histories that parted at one operation's time in the last
 * digit (an exponential link latency), and every time and trace hash after it. The simulator's
 * random latencies, the phi-accrual detector's verdicts and a Bloom filter's size all go through
 * these instead (DESIGN.md rule 1: the same seed replays the same run, in Node and in the lab).
 *
 * Accuracy: within a few units in the last place of the correctly rounded result (checked against
 * Math in portableMath.test.ts); determinism, not the last ulp, is the point. Basic operations on
 * doubles are correctly rounded by IEEE 754 and JavaScript never fuses them, so a fixed sequence of
 * them is portable.
 */

/** ln 2 split (fdlibm): k·ln2Hi is exact for |k| < 2^11, and ln2Lo carries the rest. */
const ln2Hi = 0.6931471803691238;
const ln2Lo = 1.9082149292705877e-10;
const scratch = new DataView(new ArrayBuffer(8));

/** 2^k for an integer k in −1022 … 1023, built from its bits (exact). */
function powerOfTwo(k: number): number {
  scratch.setUint32(0, (k + 1023) << 20);
  scratch.setUint32(4, 0);
  return scratch.getFloat64(0);
}

/** x · 2^k for any integer k, exact unless the result underflows or overflows. */
function scale(x: number, k: number): number {
  let y = x;
  let left = k;
  while (left > 1023) {
    y *= powerOfTwo(1023);
    left -= 1023;
    if (!Number.isFinite(y)) return y;
  }
  while (left < -1022) {
    y *= powerOfTwo(-1022);
    left += 1022;
    if (y === 0) return y;
  }
  return y * powerOfTwo(left);
}

/** The natural logarithm of x. */
export function ln(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  // x = m · 2^k with m in [√½, √2): read k from the bits (subnormals scaled up first).
  let m = x;
  let k = 0;
  if (m < 2.2250738585072014e-308) {
    m *= powerOfTwo(54);
    k -= 54;
  }
  scratch.setFloat64(0, m);
  const high = scratch.getUint32(0);
  k += ((high >>> 20) & 0x7ff) - 1023;
  scratch.setUint32(0, (high & 0x800fffff) | (1023 << 20));
  m = scratch.getFloat64(0); // in [1, 2)
  if (m > Math.SQRT2) {
    m /= 2;
    k += 1;
  }
  // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716: the odd series to s^25 is exact enough.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = s;
  for (let n = 3; n <= 25; n += 2) {
    term *= s2;
    sum += term / n;
  }
  return k * ln2Hi + (k * ln2Lo + 2 * sum);
}

/** The base-10 logarithm of x. */
export function log10(x: number): number {
  return ln(x) / Math.LN10;
}

/** e^x. */
export function exp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 709.8) return Number.POSITIVE_INFINITY;
  if (x < -745.2) return 0;
  // x = k·ln 2 + r with |r| ≤ ln 2 / 2; e^r by its Taylor series to r^16/16!.
  const k = Math.round(x / (ln2Hi + ln2Lo));
  const r = x - k * ln2Hi - k * ln2Lo;
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 16; n++) {
    term = (term * r) / n;
    sum += term;
  }
  return scale(sum, k);
}
