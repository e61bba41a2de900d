/**
 * Number formatting for the views, in one place so every view writes numbers the same way:
 * thousands separators ("1,204"), binary byte units ("48.0 KiB"), durations that stay readable from
 * microseconds to minutes, and percentages. Fixed to en-US so tests and screenshots do not depend on
 * the machine's locale.
 */

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Short for a heading that must stay on one line: "9,999", then "12.3k", "124k", "1.2M". */
export function formatCompactCount(n: number): string {
  if (n < 10_000) return formatCount(n);
  const k = n / 1000;
  if (k < 99.95) return `${k.toFixed(1)}k`;
  if (k < 999.5) return `${Math.round(k)}k`;
  return `${(k / 1000).toFixed(1)}M`;
}

/** "0 B", "812 B", "48.0 KiB", "3.2 MiB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** "0.4 ms", "3 ms", "1,250 ms" below 10 s; "12.5 s" above; for latencies and silences. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${Number(ms.toFixed(1))} ms`;
  if (ms < 10_000) return `${formatCount(ms)} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** A ratio 0…1 as "89%", or "0.5%" / "0.04%" for small rates (Bloom filter false positives). */
export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  if (pct === 0) return '0%';
  if (pct < 0.1) return `${Number(pct.toFixed(2))}%`;
  if (pct < 10) return `${Number(pct.toFixed(1))}%`;
  return `${Math.round(pct)}%`;
}

/** "1 record" / "3 records". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "a", "a and b", "a, b and c". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A table or log file name without its extension: "000012.sst" → "000012". */
export function fileStem(file: string): string {
  return file.replace(/\.[a-z]+$/i, '');
}

/** A React `useId()` value made safe inside `url(#…)` references and CSS (letters, digits, -, _). */
export function svgId(reactId: string, name: string): string {
  return `kv-${name}-${reactId.replace(/[^A-Za-z0-9_-]/g, '')}`;
}
