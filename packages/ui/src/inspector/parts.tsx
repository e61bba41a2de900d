/**
 * Small building blocks of the inspector: a titled section, a meter with its value in words (a bar
 * is never the only cue), a two-column list of statistics, a table with a caption, and the button of
 * an action on the node. Props are
 * the obvious ones and are typed below.
 */

import type { ReactNode } from 'react';

export function Section({
  title,
  children,
  highlight,
  testId,
}: {
  title: string;
  children: ReactNode;
  highlight?: boolean;
  testId?: string;
}) {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      style={{
        border: `${highlight ? 2 : 1}px solid ${highlight ? '#9a6700' : '#d0d7de'}`,
        background: highlight ? '#fff8c5' : '#ffffff',
        borderRadius: 6,
        padding: '6px 10px',
      }}
    >
      <h4 style={{ margin: '0 0 4px', fontSize: 16 }}>{title}</h4>
      {children}
    </section>
  );
}

export function Meter({ value, label }: { value: number; label: string }) {
  const clamped = Math.min(1, Math.max(0, value));
  return (
    <div style={{ margin: '2px 0 4px' }}>
      <meter value={clamped} min={0} max={1} aria-label={label} style={{ width: '100%', height: 14 }} />
      <div style={{ fontSize: 14, color: '#57606a' }}>{label}</div>
    </div>
  );
}

export function statGrid(rows: readonly (readonly [string, ReactNode])[]) {
  return (
    <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '0 10px', margin: 0 }}>
      {rows.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt style={{ color: '#57606a' }}>{term}</dt>
          <dd style={{ margin: 0, fontVariantNumeric: 'tabular-nums' }}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export const tableStyle = {
  borderCollapse: 'collapse',
  width: '100%',
  fontSize: 14,
  fontVariantNumeric: 'tabular-nums',
} as const;
/** A box that scrolls a wide table sideways instead of letting it spill out of its panel. */
export const scrollStyle = { overflowX: 'auto', maxWidth: '100%' } as const;

export const cellStyle = {
  borderBottom: '1px solid #eaeef2',
  padding: '3px 6px',
  textAlign: 'left',
} as const;
export const numStyle = { ...cellStyle, textAlign: 'right' } as const;

/** A table's head: one column heading per name. */
export function ColumnHeads({ names }: { names: readonly string[] }) {
  return (
    <thead>
      <tr>
        {names.map((h) => (
          <th key={h} scope="col" style={cellStyle}>
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** An action on the inspected node (flush, compact), under the statistics it changes. */
export function ActionButton({
  onClick,
  disabled,
  testId,
  children,
}: {
  onClick: () => void;
  disabled: boolean;
  testId: string;
  children: ReactNode;
}) {
  return (
    <button type="button" onClick={onClick} disabled={disabled} data-testid={testId} style={{ marginTop: 6 }}>
      {children}
    </button>
  );
}
