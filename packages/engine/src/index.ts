/**
 * @kvscope/engine: the public surface. Pure TypeScript; no DOM, no Node (DESIGN.md rule 1).
 * Each area exports from here; deep imports are fine inside the engine, not outside it.
 */

export * from './assert.ts';
export * from './constants.ts';
export * from './errors.ts';
export * from './hashing/digest.ts';
export * from './hashing/murmur3.ts';
export * from './hashing/utf8.ts';
export * from './node/contract.ts';
export * from './node/pingNode.ts';
export * from './protocol/events.ts';
export * from './protocol/ids.ts';
export * from './protocol/messages.ts';
export * from './protocol/transport.ts';
export * from './random/rng.ts';
export * from './ring/dataCentres.ts';
export * from './ring/ownership.ts';
export * from './ring/preferenceList.ts';
export * from './ring/rangeMoves.ts';
export * from './ring/ring.ts';
export * from './scenario/defaults.ts';
export * from './scenario/parseScenario.ts';
export * from './scenario/schema.ts';
export * from './scenario/types.ts';
export * from './simulation/checkers/boundedSiblings.ts';
export * from './simulation/checkers/checker.ts';
export * from './simulation/checkers/clocks.ts';
export * from './simulation/checkers/jepsenSet.ts';
export * from './simulation/checkers/lostWrites.ts';
export * from './simulation/checkers/resurrection.ts';
export * from './simulation/checkers/runCheckers.ts';
export * from './simulation/checkers/sessions.ts';
export * from './simulation/checkers/siblingSoundness.ts';
export * from './simulation/checkers/staleness.ts';
export * from './simulation/checkers/staleReads.ts';
export * from './simulation/eventQueue.ts';
export * from './simulation/history.ts';
export * from './simulation/network.ts';
export * from './simulation/simulation.ts';
export * from './simulation/traceHash.ts';
export * from './storage/files/fileSystem.ts';
export * from './storage/files/fileSystemContract.ts';
export * from './storage/files/memoryFileSystem.ts';
export * from './storage/lsmStore.ts';
export * from './storage/options.ts';
export * from './storage/snapshot.ts';
export * from './time/clock.ts';
export * from './versioning/lastWriteWins.ts';
export * from './versioning/newVersion.ts';
export * from './versioning/siblings.ts';
export * from './versioning/vectorClock.ts';
