/**
 * The event log: one readable sentence per event (describeEvent), newest first, bounded, with
 * filters by node, key and kind. Message sends and deliveries are hidden unless asked for, since
 * they outnumber everything else a hundred to one. Routine chatter is folded (foldLines.ts): a
 * membership change's range streams into a line per node, identical sentences into one with "×n".
 *
 * Props:
 *   events        the events, oldest first, as the page accumulates them (the page bounds the buffer)
 *   limit         most lines shown (default 200)
 *   nodes         node ids offered in the node filter (default: every node the events name)
 *   filter        a controlled filter (node/key/kinds); omit it and the log keeps its own
 *   onFilterChange  called when the user changes a filter
 *   selectedNode / selectedKey  linked selection: lines naming them are highlighted
 *   onSelectKey   called when a key in a line is clicked
 *   formatTime    how to write an event's `at` (default: seconds with milliseconds, "12.345 s")
 *   height        scroll height in px (default 360)
 */

import { useState } from 'react';
import { NodeOptions } from '../shared/NodeOptions.tsx';
import { type EventFilter, selectEvents } from './eventFilter.ts';
import { type AnyEvent, type EventKind, eventKey, eventKind, eventKinds, eventNodes } from './eventTypes.ts';
import { foldQuietExchanges, foldRepeats, foldStreams, lineIdentity } from './foldLines.ts';

export interface EventLogProps {
  events: readonly AnyEvent[];
  limit?: number;
  nodes?: readonly string[];
  filter?: EventFilter;
  onFilterChange?: (filter: EventFilter) => void;
  selectedNode?: string | null;
  selectedKey?: string | null;
  onSelectKey?: (key: string) => void;
  formatTime?: (at: number) => string;
  height?: number;
}

const defaultKinds: readonly EventKind[] = eventKinds.filter((k) => k !== 'message');

const kindMarks: Record<EventKind, string> = {
  request: '⇄',
  message: '✉',
  storage: '▤',
  node: '◉',
  membership: '♥',
  repair: '✚',
  other: '•',
};

const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
} as const;

/** A stable React key per event object (events carry no id of their own). */
const eventIds = new WeakMap<object, number>();
let nextEventId = 1;
function eventId(event: object): number {
  let id = eventIds.get(event);
  if (id === undefined) {
    id = nextEventId++;
    eventIds.set(event, id);
  }
  return id;
}

export const defaultTime = (at: number) => `${(at / 1000).toFixed(3)} s`;

export function EventLog(props: EventLogProps) {
  const { events, limit = 200, selectedNode, selectedKey, onSelectKey } = props;
  const [own, setOwn] = useState<EventFilter>({ kinds: defaultKinds });
  const filter = props.filter ?? own;
  const setFilter = (next: EventFilter) => {
    if (!props.filter) setOwn(next);
    props.onFilterChange?.(next);
  };
  const nodes = props.nodes ?? [...new Set(events.flatMap(eventNodes))].sort();
  // Folding shortens the list: select more events than lines, so the folded log still fills `limit`.
  const folded = foldQuietExchanges(foldStreams(events));
  const lines = foldRepeats(selectEvents(folded, filter, limit * 3), limit);
  const formatTime = props.formatTime ?? defaultTime;
  const kinds = filter.kinds?.length ? filter.kinds : eventKinds;
  const toggleKind = (kind: EventKind) =>
    setFilter({
      ...filter,
      kinds: kinds.includes(kind) ? kinds.filter((k) => k !== kind) : [...kinds, kind],
    });

  return (
    <section aria-label="Event log" data-testid="event-log-view" style={{ fontSize: 15 }}>
      <fieldset
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          gap: '6px 14px',
          border: 'none',
          padding: 0,
          margin: '0 0 6px',
        }}
      >
        <legend style={visuallyHidden}>Filter the log</legend>
        <label>
          node{' '}
          <select
            value={filter.node ?? ''}
            onChange={(e) => setFilter({ ...filter, node: e.target.value || null })}
          >
            <option value="">all</option>
            <NodeOptions ids={nodes} />
          </select>
        </label>
        <label>
          key{' '}
          <input
            type="search"
            size={10}
            value={filter.key ?? ''}
            placeholder="any"
            onChange={(e) => setFilter({ ...filter, key: e.target.value || null })}
          />
        </label>
        {eventKinds.map((kind) => (
          <label key={kind} style={{ whiteSpace: 'nowrap' }}>
            <input type="checkbox" checked={kinds.includes(kind)} onChange={() => toggleKind(kind)} />{' '}
            {kindMarks[kind]} {kind}
          </label>
        ))}
      </fieldset>
      <ol
        data-testid="event-log-lines"
        aria-live="polite"
        aria-relevant="additions"
        style={{
          listStyle: 'none',
          margin: 0,
          padding: 0,
          maxHeight: props.height ?? 360,
          overflowY: 'auto',
        }}
      >
        {lines.map(({ event, text, count }) => {
          const key = eventKey(event);
          const linked =
            (selectedNode && eventNodes(event).includes(selectedNode)) ||
            (selectedKey && key === selectedKey);
          const kind = eventKind(event);
          return (
            <li
              key={eventId(lineIdentity(event))}
              data-kind={kind}
              style={{
                display: 'flex',
                gap: 8,
                padding: '2px 4px',
                borderBottom: '1px solid #eaeef2',
                background: linked ? '#ddf4ff' : undefined,
                fontWeight:
                  event.type === 'request.completed' || event.type === 'request.forward-expired' ? 600 : 400,
              }}
            >
              <time style={{ color: '#57606a', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                {formatTime(event.at)}
              </time>
              <span title={kind} style={{ width: '1.2em', textAlign: 'center' }}>
                <span aria-hidden="true">{kindMarks[kind]}</span>
                <span style={visuallyHidden}>{kind}</span>
              </span>
              <span style={{ flex: 1 }}>
                {text}
                {count > 1 && (
                  <span style={{ color: '#57606a', marginLeft: 6 }} title={`${count} identical lines folded`}>
                    ×{count}
                  </span>
                )}
                {key && onSelectKey && key !== selectedKey && (
                  <button
                    type="button"
                    onClick={() => onSelectKey(key)}
                    style={{ marginLeft: 6, font: 'inherit', fontSize: 12, padding: '0 4px' }}
                    aria-label={`select key ${key}`}
                  >
                    show {key}
                  </button>
                )}
              </span>
            </li>
          );
        })}
        {lines.length === 0 && <li style={{ color: '#57606a', padding: 4 }}>No events match the filter.</li>}
      </ol>
    </section>
  );
}
