/**
 * Sentences for the failure-handling events (membership verdicts, hinted handoff, anti-entropy) and
 * for the faults the lab page injects itself (`lab.fault`, carrying its own label), so the event
 * log reads "n1 suspects n3 (silent for 5.2 s)" rather than a field dump. Returns null for any other
 * type, which describeEvent handles or writes with its fallback.
 */

import { formatMs, formatSize, listOf, plural } from '../shared/format.ts';
import type { AnyEvent } from './eventTypes.ts';

type Fields = Record<string, unknown>;
const str = (v: unknown) => String(v);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const list = (v: unknown) => (Array.isArray(v) ? listOf(v.map(str)) : '');

const sentences: Record<string, (e: Fields) => string> = {
  'member.suspected': (e) => `${e.node} suspects ${e.member} (silent for ${formatMs(num(e.silentForMs))})`,
  'member.down': (e) => `${e.node} declares ${e.member} down (reported by ${list(e.reportedBy)})`,
  'member.alive': (e) => `${e.node} hears ${e.member} again: alive (was ${e.was})`,
  'member.joined': (e) => `${e.node} learns of ${e.member} (via ${e.via})`,
  'member.left': (e) => `${e.node} learns that ${e.member} left`,
  'member.removed': (e) => `${e.node} forgets ${e.member} (was ${e.was})`,
  'hint.stored': (e) => `${e.node} stands in for ${e.owner}: keeps a hint for ${e.key}`,
  'hint.replayed': (e) =>
    `${e.node} hands ${e.key} back to ${e.owner} (the hint waited ${formatMs(num(e.heldMs))})`,
  'hint.dropped': (e) =>
    `${e.node} drops its hint for ${e.key} meant for ${e.owner} (${formatMs(num(e.ageMs))} old)`,
  'antientropy.started': (e) => `${e.node} compares a Merkle tree with ${e.peer} (${e.trigger})`,
  'antientropy.repaired': (e) =>
    `${e.node} repaired ${plural(num(e.keys), 'key')} from ${e.peer} (${formatSize(num(e.bytes))})`,
  'antientropy.done': (e) =>
    e.outcome === 'in-sync'
      ? `${e.node} and ${e.peer} are in sync (${plural(num(e.messages), 'message')}, ${formatSize(num(e.bytes))})`
      : `${e.node} ↔ ${e.peer} anti-entropy ${e.outcome}: ${plural(num(e.keysRepaired), 'key')} moved, ${formatSize(num(e.bytes))} in ${formatMs(num(e.durationMs))}`,
  'lab.fault': (e) => str(e.label),
};

export function describeFailureHandling(event: AnyEvent): string | null {
  const sentence = sentences[event.type];
  return sentence ? sentence(event as Fields) : null;
}
