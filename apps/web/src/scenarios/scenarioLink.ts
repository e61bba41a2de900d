/**
 * Any scenario as a link (SPEC §2 "a run is shareable as a link or a file"): a shipped scenario is
 * named (`?run=<name>`), but a user's own file or a live session saved as a scenario has no name
 * another browser knows, so the file itself rides in the link: `?scenario=<base64url of the
 * deflated JSON>&seed=N`. A scenario of a few kilobytes fits in well under 2,000 characters.
 * Compression is the browser's own (CompressionStream, deflate-raw): no library to ship.
 *
 * A link cut short when it was copied, or edited by hand, does not decode: the reader gets a
 * KV_INVALID_SCENARIO sentence saying so, and the lab runs nothing.
 */

/** The query parameter that carries the file. */
export const scenarioParam = 'scenario';

/** Links longer than this are not offered: chat apps and mail clients cut or refuse them. */
export const scenarioLinkCharsMax = 16_000;

async function transformed(bytes: Uint8Array, stream: CompressionStream | DecompressionStream) {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The file as a link parameter: its JSON without spacing (when it parses), deflated, base64url. */
export async function encodeScenario(text: string): Promise<string> {
  let compact = text;
  try {
    compact = JSON.stringify(JSON.parse(text));
  } catch {
    // Not JSON: carried as it is, so the reader sees the same parse error as the sender.
  }
  return toBase64Url(
    await transformed(new TextEncoder().encode(compact), new CompressionStream('deflate-raw')),
  );
}

/** The file a link parameter carries, or a sentence saying why it cannot be read. */
export async function decodeScenario(param: string): Promise<{ text: string } | { problem: string }> {
  const problem = `this link's scenario cannot be read (${param.length} characters): it may have been cut short when it was copied`;
  const bytes = fromBase64Url(param);
  if (!bytes || bytes.length === 0) return { problem };
  try {
    const inflated = await transformed(bytes, new DecompressionStream('deflate-raw'));
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(inflated) };
  } catch {
    return { problem };
  }
}

/** This page's address with `params` set and every other run parameter removed. */
export function runUrl(params: Record<string, string>): string {
  const url = new URL(location.href);
  for (const name of ['run', scenarioParam, 'seed', 't']) url.searchParams.delete(name);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
