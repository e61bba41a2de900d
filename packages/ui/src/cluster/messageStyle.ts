/**
 * How each message type is drawn: a colour *and* a shape, so colour is never the only encoding
 * (SPEC §2). Shapes carry the meaning and colours refine it, so a viewer without colour still reads
 * the traffic:
 *
 *   ▲ triangle      a write going out (replica-put)        ▼ triangle-down  a read going out (replica-get)
 *   ■ square        an acknowledgement (put-ack)           ○ ring           a reply carrying data (get-reply)
 *   ◆ diamond       a repair (read-repair, merkle)         ➜ chevron        a forward and its reply
 *   ⬢ hexagon       gossip                                 ★ star           a hint (hinted handoff)
 *   ● circle/■      ping/pong (the foundation's liveness probe)
 *
 * Colours come from the Okabe–Ito palette (distinguishable with the common colour-vision
 * deficiencies). Gossip, hint and Merkle types are listed now so that the protocols being built
 * render sensibly the day they land; `messageStyle` falls back by prefix (`gossip-*`, `hint-*`,
 * `merkle-*`) and then to a neutral "other".
 */

export type MessageShape =
  | 'circle'
  | 'square'
  | 'diamond'
  | 'triangle'
  | 'triangle-down'
  | 'ring'
  | 'hexagon'
  | 'star'
  | 'chevron'
  | 'plus';

export interface MessageStyle {
  label: string;
  colour: string;
  shape: MessageShape;
  /** What the type means, for legends and tooltips. */
  meaning?: string;
}

const fallback: MessageStyle = { label: 'other', colour: '#57606a', shape: 'plus', meaning: 'other message' };

/** Okabe–Ito colours, named by hue. */
export const okabeIto = {
  blue: '#0072B2',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  black: '#000000',
} as const;

export const messageStyles: Record<string, MessageStyle> = {
  ping: { label: 'ping', colour: '#0969da', shape: 'circle', meaning: 'liveness probe' },
  pong: { label: 'pong', colour: '#bc4c00', shape: 'square', meaning: 'probe answer' },
  'replica-put': {
    label: 'write',
    colour: okabeIto.vermillion,
    shape: 'triangle',
    meaning: 'replica-put: store this version',
  },
  'replica-put-ack': {
    label: 'write ack',
    colour: okabeIto.vermillion,
    shape: 'square',
    meaning: 'replica-put-ack: stored',
  },
  'replica-get': {
    label: 'read',
    colour: okabeIto.blue,
    shape: 'triangle-down',
    meaning: 'replica-get: send me your versions',
  },
  'replica-get-reply': {
    label: 'read reply',
    colour: okabeIto.blue,
    shape: 'ring',
    meaning: 'replica-get-reply: my versions',
  },
  'read-repair': {
    label: 'read repair',
    colour: okabeIto.green,
    shape: 'diamond',
    meaning: 'read-repair: newer versions for a stale replica',
  },
  forward: {
    label: 'forward',
    colour: okabeIto.purple,
    shape: 'chevron',
    meaning: 'forward: a request sent on to a preference-list node',
  },
  'forward-reply': {
    label: 'forward reply',
    colour: okabeIto.purple,
    shape: 'square',
    meaning: 'forward-reply: the forwarded request’s answer',
  },
  gossip: { label: 'gossip', colour: okabeIto.orange, shape: 'hexagon', meaning: 'membership gossip' },
  hint: { label: 'hint', colour: okabeIto.skyBlue, shape: 'star', meaning: 'hinted handoff' },
  'hint-replay': {
    label: 'hint replay',
    colour: okabeIto.skyBlue,
    shape: 'star',
    meaning: 'hint-replay: a stand-in hands a write back to its owner',
  },
  'hint-ack': {
    label: 'hint ack',
    colour: okabeIto.skyBlue,
    shape: 'square',
    meaning: 'hint-ack: the owner stored it',
  },
  // Range streaming when a node joins or is decommissioned (engine rebalance/messages.ts).
  'stream-request': {
    label: 'stream request',
    colour: okabeIto.black,
    shape: 'triangle-down',
    meaning: 'ask for a key range',
  },
  'stream-batch': {
    label: 'stream batch',
    colour: okabeIto.black,
    shape: 'triangle',
    meaning: 'keys of a range',
  },
  'stream-ack': { label: 'stream ack', colour: okabeIto.black, shape: 'square', meaning: 'batch stored' },
  'stream-forward': {
    label: 'stream forward',
    colour: okabeIto.black,
    shape: 'chevron',
    meaning: 'a write passed on to the range’s new owner',
  },
  'stream-forward-ack': {
    label: 'stream forward ack',
    colour: '#5f5f5f', // a lighter black: the stream family's ack shape, told apart from stream ack
    shape: 'square',
    meaning: 'the new owner stored a passed-on write',
  },
  'range-fence': {
    label: 'range fence',
    colour: okabeIto.black,
    shape: 'diamond',
    meaning: 'a joiner asks an old owner to stop serving the ranges it takes (and asks again, to confirm)',
  },
  'range-fenced': {
    label: 'range fenced',
    colour: '#5f5f5f',
    shape: 'diamond',
    meaning:
      'the old owner no longer serves them, and its forwarded writes have arrived (said by this run of it)',
  },
  'ring-state-request': {
    label: 'ring state request',
    colour: okabeIto.black,
    shape: 'hexagon',
    meaning: 'a restarted or long cut-off node asks who joined and who left while it was away',
  },
  'ring-state': {
    label: 'ring state',
    colour: okabeIto.black,
    shape: 'ring',
    meaning: 'the members of the ring, those that left it, and joiners the sender stopped serving ranges for',
  },
  merkle: { label: 'Merkle', colour: okabeIto.green, shape: 'plus', meaning: 'anti-entropy exchange' },
  // The anti-entropy exchange (engine antiEntropy/messages.ts): one shape for the family, a shade
  // of green per step, from the roots down to the versions.
  'merkle-root': { label: 'Merkle root', colour: '#00795a', shape: 'plus', meaning: 'compare tree roots' },
  'merkle-level': {
    label: 'Merkle level',
    colour: '#2f9e7f',
    shape: 'plus',
    meaning: 'differing children, one level down',
  },
  'merkle-keys': {
    label: 'Merkle keys',
    colour: '#5cc2a3',
    shape: 'plus',
    meaning: 'keys of differing buckets',
  },
  'merkle-versions': {
    label: 'Merkle versions',
    colour: '#004d3a',
    shape: 'plus',
    meaning: 'the newer versions exchanged',
  },
};

/** Families whose exact type names are not fixed yet: matched by prefix. */
const families: readonly [prefix: string, style: string][] = [
  ['gossip', 'gossip'],
  ['hint', 'hint'],
  ['handoff', 'hint'],
  ['merkle', 'merkle'],
  ['anti-entropy', 'merkle'],
];

export function messageStyle(type: string): MessageStyle {
  const exact = messageStyles[type];
  if (exact) return exact;
  const family = families.find(([prefix]) => type.startsWith(prefix));
  if (family) return { ...(messageStyles[family[1]] as MessageStyle), label: type };
  return fallback;
}
