/**
 * The actor: the name a coordinator's dots and clock entries carry (SPEC 1.5). A vector clock says
 * "this writer had seen n4's writes up to counter c", which is only true while n4's counters are one
 * unbroken sequence. A node that lost its disk cannot continue that sequence: its old writes live on
 * elsewhere, it no longer knows them, and a client that read only its new writes would carry a
 * context whose n4 entry seems to cover old ones it never saw — replicas would drop them, losing
 * acknowledged writes (P1; found by T3's random faults, seed 440, a wiped replica).
 *
 * So a node keeps its actor name in a file of its own, and a node that starts without that file
 * (a wiped disk, or one too damaged to read it) takes a new name, `n4~<epoch>`, whose counters are
 * never compared with the old name's: the two writers' versions stay siblings until a client
 * resolves them. Riak gives a vnode a new actor id when it starts without its data for the same
 * reason. The first incarnation (counter floor 0: it starts at its cluster's origin) keeps the
 * plain node id, so a young cluster's clocks read n1:3. The epoch is the counter floor, which rises
 * with the node's clock, so two incarnations of one node never share a name (under the same
 * assumption as the floor: a node's clock does not run back across a restart).
 *
 * File `ACTOR`: u32 crc32c(name) · name (UTF-8). Written and flushed before the name is used.
 */

import { utf8Decode, utf8Encode } from '../hashing/utf8.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import type { FileSystem } from '../storage/files/fileSystem.ts';
import { readU32, writeU32 } from '../storage/format/bytes.ts';
import { crc32c } from '../storage/format/crc32c.ts';

const actorFile = 'ACTOR';
const actorFileMaxBytes = 4 + 256;

/** How a node came by its actor name at this start. */
export type ActorOrigin = 'kept' | 'first' | 'no-record' | 'unreadable-record';

export interface Actor {
  name: NodeId;
  origin: ActorOrigin;
}

/** The stored name, or null when the file is missing or damaged. */
function readActor(fs: FileSystem): string | null {
  const handle = fs.open(actorFile);
  try {
    const bytes = handle.read(0, actorFileMaxBytes);
    if (bytes.length <= 4) return null;
    const body = bytes.subarray(4);
    return crc32c(body) === readU32(bytes, 0) ? utf8Decode(body) || null : null;
  } finally {
    handle.close();
  }
}

/** Writes the name to a temporary file, flushes it and renames it into place (atomic everywhere). */
function writeActor(fs: FileSystem, name: NodeId): void {
  const body = utf8Encode(name);
  const bytes = new Uint8Array(4 + body.length);
  writeU32(bytes, 0, crc32c(body));
  bytes.set(body, 4);
  const temp = `${actorFile}.tmp`;
  const handle = fs.open(temp, { create: true });
  try {
    handle.truncate(0);
    handle.write(0, bytes);
    handle.flush();
  } finally {
    handle.close();
  }
  fs.rename(temp, actorFile);
}

/**
 * The actor of node `self` starting now, whose counter floor (`counterFloorAt`) is `floor`: the
 * stored name, or a new one written to disk before it is returned.
 */
export function openActor(fs: FileSystem, self: NodeId, floor: number): Actor {
  const recorded = fs.exists(actorFile);
  const stored = recorded ? readActor(fs) : null;
  if (stored !== null) return { name: nodeId(stored), origin: 'kept' };
  const name = floor === 0 ? self : nodeId(`${self}~${Math.floor(floor).toString(36)}`);
  writeActor(fs, name);
  return { name, origin: floor === 0 ? 'first' : recorded ? 'unreadable-record' : 'no-record' };
}
