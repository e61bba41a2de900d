/**
 * Every limit has a name, a unit (last) and a reason (DESIGN.md rule 7). Protocol defaults that a
 * scenario or the lab can override live here too, so there is one place to read them.
 */

/** SPEC 1.1: a key plus its value is at most 10 KiB, so one record always fits one storage block. */
export const entryBytesMax = 10_240;
/** SPEC 1.1: keys are at most 1 KiB; they are repeated in indexes, filters and Merkle leaves. */
export const keyBytesMax = 1_024;

/** Messages waiting on one simulated or live link before new ones are dropped (and counted). */
export const linkQueueLengthMax = 10_000;
/** Events a node may emit in one step before further ones are folded into a `events.dropped` count. */
export const eventsPerStepMax = 1_000;

/** The trivial ping protocol of the foundation: how often each node pings every peer. */
export const pingIntervalMs = 1_000;
/** A peer not heard from for this long is shown as silent by the ping protocol. */
export const pingSilenceMs = 3_500;

/** Default one-way latency of a simulated link: the order of a LAN hop. */
export const linkLatencyDefaultMs = 1;

/**
 * SPEC 1.2: tokens (virtual nodes) per physical node of weight 1. Eight keeps the ring legible in the
 * lab while cutting the load imbalance of one token per node by several times (T12 prints the table).
 */
export const virtualNodesDefault = 8;
/**
 * Tokens one node may hold (virtual nodes × weight). Bounds the ring's size, the cost of building it
 * and of `rangeMoves`, and what the lab has to draw; Cassandra's largest common setting is 256.
 */
export const tokensPerNodeMax = 1_024;
/**
 * SPEC 1.5, Dynamo §4.4: a vector clock keeps at most this many (node, counter) entries; beyond it the
 * oldest by timestamp are pruned (which can only create false conflicts, see vectorClock.ts).
 */
export const vectorClockEntriesMax = 10;
