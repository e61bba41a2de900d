/**
 * A test-only worker for the browser-mode tests: relays text to a peer worker over a MessageChannel
 * port (proving worker-to-worker traffic that never touches the page) and round-trips bytes through
 * an OPFS sync access handle.
 */

let peer: MessagePort | null = null;

async function opfsRoundTrip(name: string, text: string): Promise<string> {
  const root = await navigator.storage.getDirectory();
  const file = await root.getFileHandle(name, { create: true });
  let handle = await file.createSyncAccessHandle();
  handle.truncate(0);
  handle.write(new TextEncoder().encode(text), { at: 0 });
  handle.flush();
  handle.close();
  handle = await file.createSyncAccessHandle();
  const bytes = new Uint8Array(handle.getSize());
  handle.read(bytes, { at: 0 });
  handle.close();
  await root.removeEntry(name);
  return new TextDecoder().decode(bytes);
}

self.onmessage = async (event: MessageEvent) => {
  const { type } = event.data as { type: string };
  if (type === 'port') {
    peer = event.data.port as MessagePort;
    peer.onmessage = (e) => postMessage({ type: 'from-peer', text: e.data });
  } else if (type === 'send') {
    peer?.postMessage(event.data.text);
  } else if (type === 'opfs') {
    postMessage({ type: 'opfs', text: await opfsRoundTrip(event.data.name, event.data.text) });
  }
};
