/**
 * The chapter's last five lessons: failures and the paths data takes through them — failure
 * detection, hinted handoff, anti-entropy, data-centre failure, the write and read paths
 * (lessons.ts puts them in order).
 */

import { evenSplit } from '../live/dataCentres.ts';
import { hintsHeld } from '../live/labStore.ts';
import type { ClusterSettings } from '../live/settings.ts';
import {
  crashedNodes,
  everyoneBelievedUp,
  forwardUnansweredSince,
  type Lesson,
  markersSince,
  nodeBelievedDown,
  okAfter,
  storageEventSince,
} from './lessonModel.ts';

/** West and east, each with replicas of every key (at least N=3: two in west, one in east). */
function twoDataCentres(s: ClusterSettings): ClusterSettings {
  const n = Math.max(3, s.n);
  return { ...s, dataCentres: 2, replicasPerDc: evenSplit(n), n, r: Math.min(s.r, n), w: Math.min(s.w, n) };
}

export const failureLessons: readonly Lesson[] = [
  {
    id: 'failure-detection',
    title: '6 · Failure detection',
    steps: [
      {
        title: 'Before anyone knows',
        text: 'Type a key in the Client panel: it lists the key’s replicas, first one first. Kill that first replica, then at once put the key via a node that is not one of its replicas (one of its fallbacks, say): not a replica itself, that node forwards the put to the first replica.',
        predict: {
          question: 'The first replica is dead, and two others are up. What does the client hear?',
          options: [
            'ok: the forward goes to a replica that is up',
            'An error at once: the dead node refuses it',
            '“unknown”, after a wait: nobody suspects the dead node yet, so the forward goes to it and no answer comes',
          ],
          answer: 2,
          why: 'No one announces a crash. Until gossip suspects the dead node, it is a replica like any other: the forward waits for its answer, then gives up. The outcome is unknown, not failed — the node might have stored the write before it died. The Trace tab tells the story.',
        },
        act: {
          instruction:
            'Kill a key’s first replica, then put the key via a node that is not one of its replicas.',
          done: (s, since) => forwardUnansweredSince(s, since),
        },
      },
      {
        title: 'A silent node',
        text: 'Keep the node down (or kill one) and open the Gossip tab.',
        predict: {
          question: 'How do the other nodes learn that it died?',
          options: [
            'The page tells them',
            'Its heartbeat counter stops rising in gossip: first suspected, then held down',
            'Instantly, from a connection error',
          ],
          answer: 1,
          why: 'Nodes gossip their membership tables; a member whose heartbeat has not risen for a while is suspected, then down. No one announces a crash.',
        },
        act: {
          instruction: 'With a node killed, wait until another node believes it down.',
          done: (s) => crashedNodes(s).length > 0 && nodeBelievedDown(s) !== null,
        },
      },
      {
        title: 'Back again',
        text: 'Restart it: its heartbeat rises again and everyone believes it alive.',
        act: {
          instruction: 'Restart the node; wait for the Gossip matrix to turn all alive.',
          done: (s) => crashedNodes(s).length === 0 && everyoneBelievedUp(s),
        },
      },
    ],
  },
  {
    id: 'hinted-handoff',
    title: '7 · Hinted handoff',
    steps: [
      {
        title: 'Cut off two nodes',
        text: 'Faults → put n4 and n5 in group B → Partition. Keep the workload running.',
        predict: {
          question: 'Where do writes for keys replicated on n4 or n5 go?',
          options: [
            'They fail',
            'To stand-ins on the majority side, which keep them as hints for n4 and n5',
            'They wait in the page',
          ],
          answer: 1,
          why: 'Once gossip holds n4 and n5 down, the sloppy quorum writes to the next healthy nodes on the ring; each stores a hint naming the intended owner.',
        },
        act: {
          instruction: 'Partition n4, n5 away; wait for hints to appear.',
          done: (s, since) => markersSince(s, since, 'partition').length > 0 && hintsHeld(s) > 0,
        },
        check: 'The Faults timeline plots “hints held” rising.',
      },
      {
        title: 'Heal',
        text: 'Heal all. When the stand-ins see the owners alive they hand the hints over and delete them.',
        act: {
          instruction: 'Faults → Heal all; wait for the hints to drain.',
          done: (s, since) => markersSince(s, since, 'heal').length > 0 && hintsHeld(s) === 0,
        },
      },
    ],
  },
  {
    id: 'anti-entropy',
    title: '8 · Anti-entropy',
    steps: [
      {
        title: 'A lost disk',
        text: 'Wipe a node’s disk (a permanent failure), then press Repair now (Merkle tab).',
        predict: {
          question: 'How does the wiped node get its keys back?',
          options: [
            'It does not',
            'Replicas compare Merkle trees range by range and copy only the keys that differ',
            'Every replica sends it every key',
          ],
          answer: 1,
          why: 'Equal subtrees have equal hashes, so the comparison descends only into branches that differ: the bytes exchanged follow the damage, not the data size.',
        },
        act: {
          instruction: 'Wipe a node, then Merkle → Repair now.',
          done: (s, since) =>
            markersSince(s, since, 'wipe').length > 0 &&
            s.exchanges.some(
              (x) => x.done?.outcome === 'repaired' && x.done.keysRepaired > 0 && x.done.at >= since.at,
            ),
        },
        check:
          'The Merkle tab draws the comparison descending into the differing branches, and the bytes it cost.',
      },
    ],
  },
  {
    id: 'data-centres',
    title: '9 · Data-centre failure',
    steps: [
      {
        title: 'Two data centres',
        text: 'Settings → Data centres 2 → Apply: every key gets replicas in west and in east.',
        act: {
          instruction: 'Settings → two data centres → Apply.',
          settings: twoDataCentres,
          done: (s) => s.settings.dataCentres === 2,
        },
      },
      {
        title: 'Lose one',
        text: 'Faults → Cut off east. Then put a key with R/W LOCAL_QUORUM through a west node.',
        predict: {
          question: 'Does a LOCAL_QUORUM put through west succeed while east is cut off?',
          options: [
            'No: east’s replicas cannot answer',
            'Yes: LOCAL_QUORUM needs a quorum of the local data centre’s replicas only',
          ],
          answer: 1,
          why: 'Each data centre holds its own replicas of every key, so the west one serves on its own; east catches up when the link returns.',
        },
        act: {
          instruction: 'Cut off a data centre, then put a key.',
          done: (s, since) =>
            s.markers.some(
              (m) => m.seq > since.marker && m.label.startsWith('dc-outage') && okAfter(s, m.at, 'put'),
            ),
        },
      },
      {
        title: 'Restore',
        text: 'Faults → Restore, then set Data centres back to 1 in Settings.',
        act: {
          instruction: 'Restore, then Settings → one data centre.',
          settings: (s) => ({ ...s, dataCentres: 1 }),
          done: (s) => s.settings.dataCentres === 1 && crashedNodes(s).length === 0,
        },
      },
    ],
  },
  {
    id: 'storage-paths',
    title: '10 · Write and read paths',
    steps: [
      {
        title: 'The write path',
        text: 'Click a node in the cluster: its inspector shows the commit log, the memtable and the tables.',
        predict: {
          question: 'What does a replica do before it acknowledges a put?',
          options: [
            'Writes a sorted table file',
            'Appends the write to its commit log and syncs it, then adds it to the memtable',
            'Nothing: it acknowledges first',
          ],
          answer: 1,
          why: 'The log makes the write durable cheaply (one append); the memtable keeps it sorted in memory until it is flushed to an immutable table.',
        },
        act: {
          instruction: 'Inspector → Flush memtable.',
          done: (s, since) => storageEventSince(s, since, 'memtable.flushed'),
        },
      },
      {
        title: 'The read path',
        text: 'Flush once more so the node has two tables, then Compact.',
        predict: {
          question: 'A read of a key that is not in the memtable: how does it avoid opening every table?',
          options: [
            'It opens every table',
            'Each table’s Bloom filter says “not here” for most tables without reading them',
            'Tables are kept in memory',
          ],
          answer: 1,
          why: 'A Bloom filter never misses a key it holds and rarely claims one it does not; compaction merges tables so a read has fewer to ask.',
        },
        act: {
          instruction: 'Inspector → Compact.',
          done: (s, since) => storageEventSince(s, since, 'compaction.done'),
        },
        check: 'The inspector shows the Bloom filters’ hits and the one table left after compaction.',
      },
    ],
  },
];
