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
 * How far a coordinator raises the lease on its dot counters when a counter passes it
 * (versioning/actor.ts): one small durable write per this many counters, and a restarted node's
 * counters start at most this far above the highest it issued.
 */
export const counterLeaseStep = 1_000;
/**
 * SPEC 1.5, Dynamo §4.4: a vector clock keeps at most this many (node, counter) entries; beyond it the
 * oldest by timestamp are pruned (which can only create false conflicts, see vectorClock.ts).
 */
export const vectorClockEntriesMax = 10;

// ── Storage engine (LSM tree, SPEC 1.8). Defaults a store's `LsmOptions` can override. ──
/** A memtable is frozen and flushed past this size: leveldb's write_buffer_size, small enough to replay fast. */
export const memtableBytesMax = 4 * 1024 * 1024;
/** Target size of one SSTable data block: one OPFS/disk read, the unit the block cache keeps. */
export const blockBytesTarget = 4 * 1024;
/** Compaction splits its output into tables of about this size, so later merges stay incremental. */
export const tableBytesTarget = 2 * 1024 * 1024;
/** Bloom filters are sized for this false-positive rate (SPEC 1.8: 1%): about 9.6 bits per key. */
export const bloomFalsePositiveRate = 0.01;
/** The block cache keeps at most this many bytes of decoded blocks (LRU). */
export const blockCacheBytesMax = 8 * 1024 * 1024;
/** Log records are buffered up to this size before being written out (group commit still needs sync). */
export const logBufferBytesMax = 64 * 1024;
/**
 * A tombstone is kept this long before compaction may drop it, so a delete reaches every replica
 * (through hinted handoff or anti-entropy) before it can be forgotten: Cassandra's gc_grace_seconds.
 */
export const tombstoneGraceMs = 10 * 60 * 1000;
/** Size-tiered compaction merges this many tables of similar size at once. */
export const tieredMergeWidthMin = 4;
/** Tables count as "similar size" for size-tiered compaction within this ratio. */
export const tieredSizeRatioMax = 2;
/** Leveled compaction: level 0 is merged into level 1 once it holds this many tables. */
export const leveledL0TablesMax = 4;
/** Leveled compaction: level 1 may hold this many bytes, each deeper level ten times more. */
export const leveledL1BytesMax = 10 * 1024 * 1024;
/** Leveled compaction: the deepest level. */
export const leveledLevelsMax = 6;
/**
 * Scrubbing (storage/scrub.ts): a round re-reads and verifies this many table blocks from the file,
 * once per interval of the store's clock. 16 blocks of 4 KiB a second is 64 KiB/s, so a node with a
 * few MiB of tables is scrubbed within a minute or so at a cost too small to see beside its writes.
 */
export const scrubIntervalMs = 1_000;
export const scrubBlocksPerRound = 16;
/** Storage events kept between two drains; further ones are counted as dropped, never buffered without bound. */
export const storageEventsMax = 10_000;
/**
 * The largest record the LSM store accepts (key + stored value). Larger than `entryBytesMax`: a node
 * stores a key's sibling set with vector clocks as one record, and checks the user's limit where a
 * request enters (replication/requests.ts). Still bounded, so one record stays a small log write.
 */
export const storedEntryBytesMax = 64 * 1024;

// ── replication (SPEC 1.4) ─────────────────────────────────────────────────────────────────────────

/** N: replicas per key; the Dynamo paper's and the chapter's usual value. */
export const replicationFactorDefault = 3;
/** A coordinator gives up on a request after this long: long enough for a few slow hops. */
export const requestTimeoutMs = 1_000;
/** After replying to a read, how long the coordinator waits for late answers before read repair. */
export const readRepairWaitMs = 100;
/** Requests a node coordinates at once; beyond it new ones are refused (bounded memory). */
export const coordinatorPendingMax = 10_000;
/**
 * A replica remembers each forwarded write it coordinated for this long, so a copy of the `forward`
 * that a duplicating network delivers later is not coordinated a second time (a second version of
 * one write). Far above any hop the simulator or a browser tab produces, even on slowed links.
 */
export const forwardsRememberedMs = 60_000;
/** At most this many forwards remembered per node (bounded memory; the oldest are forgotten first). */
export const forwardsRememberedMax = 20_000;
/**
 * A simulated client waits this many coordinator timeouts before it gives up on its own: a write
 * forwarded to a replica may take two (the forward's deadline) plus the hops, and a client that
 * gave up sooner would turn answers that are merely slow into `info`.
 */
export const clientTimeoutFactor = 2.5;
/**
 * The scenario runner gives a workload's final reads at most this much simulated time after the
 * settle period; reads still open then are reported as never completed (`info`). Ten minutes covers
 * a thousand keys read one by one even when each read has to wait out a timeout and retry.
 */
export const finalReadsMsMax = 10 * 60 * 1000;

// ── hinted handoff (SPEC 1.6) ──────────────────────────────────────────────────────────────────────

/** Hints older than this are dropped: after a long outage anti-entropy repairs instead (Cassandra: 3 h). */
export const hintWindowMs = 3 * 60 * 60 * 1000;
/** Hint replays in flight per owner at once: the throttle that keeps a returning node from a flood. */
export const hintReplayInFlightMax = 32;
/** A replay not acknowledged within this long is sent again. */
export const hintReplayRetryMs = 1_000;
/** How often a stand-in checks whether owners are back and hints have expired. */
export const hintCheckIntervalMs = 250;

// ── anti-entropy with Merkle trees (SPEC 1.6) ──────────────────────────────────────────────────────

/**
 * Depth of a range's Merkle tree: 2^10 = 1,024 leaves. The upper levels are kept (and updated on
 * every write) for this depth; below it the exchange splits a leaf's keys on demand, so the depth
 * bounds memory (~2,047 digests per range), not the precision of a comparison.
 */
export const merkleLeafDepthDefault = 10;
/**
 * Deepest level an exchange descends to. A key's place in its range is a 32-bit ring position, so
 * below depth 32 no two keys can be told apart by splitting: the exchange lists their keys instead.
 */
export const merkleDepthMax = 32;
/**
 * An exchange stops descending once every differing node holds at most this many of the comparing
 * side's keys, and lists their (key, version digest) pairs. Descending one more level costs two
 * digests (~17 bytes) per node and listing costs ~20 bytes per key, so beyond a few keys splitting
 * is cheaper (the antientropy benchmark's table was measured with 4).
 */
export const merkleBucketKeysMax = 4;
/**
 * Differing nodes one exchange carries per level. Bounds a message to ~64 KiB of digests; the nodes
 * beyond it are left for the next exchange, which the initiator starts at once while it repairs.
 */
export const merkleFrontierNodesMax = 4_096;
/** Encoded versions one `merkle-versions` message carries; the rest wait for the next exchange. */
export const antiEntropyVersionsBytesMax = 1024 * 1024;
/**
 * How often each node compares every range it replicates with the replicas it shares it with
 * (each pair from one side). Ten seconds keeps idle traffic to two small messages per range and
 * pair while a wiped node is repaired within a few intervals (TESTING T7).
 */
export const antiEntropyIntervalMs = 10_000;
/**
 * An exchange whose peer has not answered for this long is abandoned (`timed-out`): several request
 * timeouts, so only a peer that is down or cut off is given up on.
 */
export const antiEntropyExchangeTimeoutMs = 3_000;
/** Exchanges one node initiates at once; further ones wait in its queue (bounded by ranges × peers). */
export const antiEntropyExchangesMax = 4;

// ── gossip membership and failure detection (SPEC 1.6) ─────────────────────────────────────────────

/** SPEC 1.6: each node bumps its heartbeat and gossips its member list this often. */
export const gossipIntervalMs = 1_000;
/** SPEC 1.6: members each round's digest goes to. Two reach everyone in O(log n) rounds, at 2n messages per round. */
export const gossipFanout = 2;
/**
 * `T_fail`: a member whose heartbeat has not grown for this long is suspected. Five rounds: with
 * fanout 2 a live member's heartbeat misses a node for five rounds running only under heavy loss, so
 * suspicions stay rare, while a crash is still noticed within seconds (van Renesse et al., 1998).
 */
export const failTimeoutMs = 5_000;
/**
 * `T_cleanup`: a member declared down (or gone, left) is forgotten this long after the verdict. Long
 * enough that a node restarted within a lab session comes back as a recovery, not as a new member.
 */
export const cleanupTimeoutMs = 30_000;
/** Phi-accrual: a member is convicted once phi reaches this (Cassandra's phi_convict_threshold). */
export const phiThreshold = 8;
/** Phi-accrual: heartbeat inter-arrival samples kept per member; old ones slide out, so it adapts in minutes. */
export const phiWindowSamplesMax = 100;
/**
 * Phi-accrual: the standard deviation used is at least this, so a member whose heartbeats arrived
 * like clockwork is not convicted by the first few milliseconds of jitter (Akka's min-std-deviation).
 */
export const phiStdDevMinMs = 250;
/**
 * Members one node tracks, and so entries in one gossip digest: the lab draws tens of nodes; 256
 * bounds a digest to a few kilobytes. Gossip about further members is ignored and counted.
 */
export const membersMax = 256;
/**
 * Suspicion reporters carried per member in a digest. The verdict needs two (this node and one
 * other); a few more let the lab show who agrees without letting a digest grow with the cluster.
 */
export const suspicionReportersMax = 4;

// ── membership changes: range streaming (rebalance/) ─────────────────────────────────────────────
/** Keys per stream batch: a batch is one message, acknowledged before the next (stop-and-wait). */
export const streamBatchKeysMax = 64;
/**
 * Encoded bytes of versions per stream batch (a batch closes early when the next key would pass it).
 * With keys up to 10 KiB a batch stays a fraction of a megabyte, so a stream never floods a link.
 */
export const streamBatchBytesMax = 256 * 1024;
/** A stream batch (or a stream request) not acknowledged within this long is sent again. */
export const streamRetryMs = 2_000;
/**
 * A node that handed a range over keeps forwarding the writes it stores in that range to the new
 * owner for this long after its own ring shows the change, so that coordinators still on the old
 * ring lose nothing (Cassandra's `ring_delay`, 30 s).
 */
export const rangeForwardGraceMs = 30_000;
/**
 * How long after a ring change (or a restart) a node looks for stray keys: keys of ranges it no
 * longer replicates that no hand-over covers (rebalance/strayKeys.ts). Long enough for a restarted
 * node to hear the current ring from gossip and its peers' ring-state answers first.
 */
export const strayCheckDelayMs = 5_000;
/**
 * A restarted node asks its ring's members for their ring (`ring-state`) again after this long while
 * none has answered (rebalance/ringCatchUp.ts): a request lost to a cut or a lossy link is resent.
 */
export const ringCatchUpRetryMs = 1_000;
/** A forward registration whose change never shows in the ring (a joiner that died) ends after this long. */
export const rangeForwardMaxMs = 10 * 60 * 1000;
/** Autoscaler: load must stay beyond a threshold this long before a change (bursts scale nothing). */
export const autoscalerSustainMs = 10_000;
/** Autoscaler: no change within this long of the last one, so the moved ranges finish streaming first. */
export const autoscalerCoolDownMs = 30_000;
/** Autoscaler: how often the runner measures the load per node and asks the policy. */
export const autoscalerIntervalMs = 1_000;
