/**
 * The ring a node last adopted, on its own disk (SPEC 1.7): a node that restarts after joins and
 * decommissions comes back with the ring it had, not the one in its boot configuration, and a node
 * that was decommissioned comes back as one that has left (it must not rejoin with no data).
 *
 *   RING = u32 crc32c(rest) · u32 length · JSON {version, members: [{id, weight?, dataCentre?}], left,
 *                                                 decommissioning, handovers: [{peer, range}], departed,
 *                                                 fences: [{peer, range}], rebuilding, rebuiltAmong}
 *
 * `decommissioning` is set while this node hands its ranges over: a node that restarts in the middle
 * of a decommission resumes it (streams start again; receivers merge what they already have).
 *
 * `handovers` are the ranges this node streamed to joiners, acknowledged, and not yet cleaned up
 * (rangeCleanup.ts): after a restart the clean-up still happens, re-sending those ranges first.
 *
 * `rebuilding` is set while a node that lost its disk pulls its ranges back (rebalance.ts `rebuild`):
 * a restart in the middle must not make it answer reads from a partial copy.
 *
 * `rebuiltAmong` are the members of the ring a rebuild started on that are still on it: one of them
 * may have been handing ranges to this node when it lost its disk, and once it leaves, this node
 * pulls what it gains from the others again (nodeRebalance.ts `rebuildAfterDepartures`).
 *
 * `fences` are the ranges this node stopped serving for a joiner (rangeFences.ts) whose arrival its
 * ring does not show yet: a restart must not make it serve them again.
 *
 * The framing is the storage manifest's (storage/manifest/manifest.ts), and so is the switch: the
 * whole file is written to RING.tmp, flushed, then renamed over RING, so after a crash RING holds
 * the old ring or the new one, never a mixture; a RING.tmp left by a crash is ignored and replaced.
 * A file that fails its checksum or holds an impossible membership is reported, never trusted.
 */

import type { KeyRange } from '../antiEntropy/ranges.ts';
import { isKvError, type KvError, kvError } from '../errors.ts';
import { utf8Decode, utf8Encode } from '../hashing/utf8.ts';
import type { NodeId } from '../protocol/ids.ts';
import { checkRingMembers, type RingMember, ringSize } from '../ring/ring.ts';
import type { FileSystem } from '../storage/files/fileSystem.ts';
import { readU32, writeU32 } from '../storage/format/bytes.ts';
import { crc32c } from '../storage/format/crc32c.ts';
import type { RingRestored } from './events.ts';

export const ringFileName = 'RING';
const ringTempFileName = 'RING.tmp';
const ringFileVersion = 1;

export interface SavedRing {
  /** The ring's members, with their weights and data centres. */
  members: RingMember[];
  /** This node handed its ranges over and left: it must not serve, nor announce itself again. */
  left: boolean;
  /** This node was handing its ranges over when it stopped: it resumes on restart. */
  decommissioning: boolean;
  /** This node was pulling its ranges back after losing its disk: it resumes on restart. */
  rebuilding: boolean;
  /** The other members of the ring this node's last rebuild started on, still on its ring. */
  rebuiltAmong: NodeId[];
  /** Ranges handed to joiners and acknowledged, still to be cleaned up here. */
  handovers: SavedHandover[];
  /** Members that left the ring (ringMembership.ts), told to peers that restart. */
  departed: NodeId[];
  /** Ranges this node stopped serving for a joiner its ring does not show yet (rangeFences.ts). */
  fences: SavedHandover[];
}

export interface SavedHandover {
  peer: NodeId;
  range: KeyRange;
}

const isPosition = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < ringSize;
const isHandover = (v: unknown) => {
  const h = v as Partial<SavedHandover> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.peer === 'string' &&
    h.peer !== '' &&
    isPosition(h.range?.start) &&
    isPosition(h.range?.end)
  );
};

const isIdList = (v: unknown) => Array.isArray(v) && v.every((id) => typeof id === 'string' && id !== '');

export function encodeRing(saved: SavedRing): Uint8Array {
  const members = saved.members.map(({ id, weight, dataCentre }) => ({ id, weight, dataCentre }));
  const body = { version: ringFileVersion, ...saved, members };
  const json = utf8Encode(JSON.stringify(body));
  const bytes = new Uint8Array(8 + json.length);
  bytes.set(json, 8);
  writeU32(bytes, 4, json.length);
  writeU32(bytes, 0, crc32c(bytes, 4));
  return bytes;
}

/** Decodes a RING file's bytes; `KV_CORRUPTION` with a sentence when they cannot be trusted. */
export function decodeRing(bytes: Uint8Array, where: string, virtualNodes: number): SavedRing | KvError {
  if (bytes.length < 8 || readU32(bytes, 4) !== bytes.length - 8 || crc32c(bytes, 4) !== readU32(bytes, 0)) {
    return kvError('KV_CORRUPTION', `${where}: the saved ring fails its checksum`);
  }
  let parsed: {
    version?: unknown;
    members?: unknown;
    left?: unknown;
    decommissioning?: unknown;
    rebuilding?: unknown;
    rebuiltAmong?: unknown;
    handovers?: unknown;
    departed?: unknown;
    fences?: unknown;
  };
  try {
    parsed = JSON.parse(utf8Decode(bytes, 8) ?? '');
  } catch (error) {
    return kvError('KV_CORRUPTION', `${where}: the saved ring is not valid JSON`, error);
  }
  if (
    parsed.version !== ringFileVersion ||
    !Array.isArray(parsed.members) ||
    typeof parsed.left !== 'boolean'
  ) {
    return kvError(
      'KV_CORRUPTION',
      `${where}: saved ring version ${String(parsed.version)} is not supported`,
    );
  }
  const members = parsed.members as RingMember[];
  const problem = checkRingMembers(members, { virtualNodes });
  if (problem) return kvError('KV_CORRUPTION', `${where}: the saved ring is impossible: ${problem.message}`);
  const handovers = parsed.handovers ?? [];
  if (!Array.isArray(handovers) || !handovers.every(isHandover)) {
    return kvError('KV_CORRUPTION', `${where}: the saved hand-overs are not a list of {peer, range}`);
  }
  const departed = parsed.departed ?? [];
  if (!isIdList(departed)) {
    return kvError('KV_CORRUPTION', `${where}: the saved departed members are not a list of node ids`);
  }
  const rebuiltAmong = parsed.rebuiltAmong ?? [];
  if (!isIdList(rebuiltAmong)) {
    return kvError('KV_CORRUPTION', `${where}: the members of the last rebuild are not a list of node ids`);
  }
  const fences = parsed.fences ?? [];
  if (!Array.isArray(fences) || !fences.every(isHandover)) {
    return kvError('KV_CORRUPTION', `${where}: the saved range fences are not a list of {peer, range}`);
  }
  const decommissioning = parsed.decommissioning === true;
  return {
    members,
    left: parsed.left,
    decommissioning,
    rebuilding: parsed.rebuilding === true,
    rebuiltAmong: rebuiltAmong as NodeId[],
    handovers: handovers as SavedHandover[],
    departed: departed as NodeId[],
    fences: fences as SavedHandover[],
  };
}

/** The saved ring, null when none was ever saved, or why the saved one cannot be used. */
export function readRing(fs: FileSystem, virtualNodes: number): SavedRing | null | KvError {
  if (!fs.exists(ringFileName)) return null;
  const handle = fs.open(ringFileName);
  try {
    return decodeRing(handle.read(0, handle.size()), `${ringFileName} in ${fs.label}`, virtualNodes);
  } catch (error) {
    if (isKvError(error)) return error; // the backend could not read it: reported like corruption
    throw error;
  } finally {
    handle.close();
  }
}

/**
 * `ring.restored` for what a restarted node found on its disk: the saved ring, or, when it could
 * not be used, the configured `members` it starts from and why. Null on a first start.
 */
export function restoredEvent(
  saved: SavedRing | null | KvError,
  node: NodeId,
  members: readonly NodeId[],
  at: number,
): RingRestored | null {
  if (saved === null) return null;
  const base = { type: 'ring.restored', at, node } as const;
  if (isKvError(saved))
    return { ...base, from: 'config', members: [...members], left: false, problem: saved.message };
  return { ...base, from: 'disk', members: saved.members.map((m) => m.id), left: saved.left };
}

/** Saves `saved` durably and switches to it atomically. */
export function writeRing(fs: FileSystem, saved: SavedRing): void {
  const handle = fs.open(ringTempFileName, { create: true });
  try {
    handle.truncate(0);
    handle.write(0, encodeRing(saved));
    handle.flush();
  } finally {
    handle.close();
  }
  fs.rename(ringTempFileName, ringFileName);
}
