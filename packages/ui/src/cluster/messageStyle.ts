/**
 * How each message type is drawn: a colour *and* a shape, so colour is never the only encoding
 * (SPEC §2). Later protocols add their types here.
 */

export type MessageShape = 'circle' | 'square' | 'diamond' | 'triangle';

export interface MessageStyle {
  label: string;
  colour: string;
  shape: MessageShape;
}

const fallback: MessageStyle = { label: 'other', colour: '#57606a', shape: 'diamond' };

export const messageStyles: Record<string, MessageStyle> = {
  ping: { label: 'ping', colour: '#0969da', shape: 'circle' },
  pong: { label: 'pong', colour: '#bc4c00', shape: 'square' },
};

export function messageStyle(type: string): MessageStyle {
  return messageStyles[type] ?? fallback;
}
