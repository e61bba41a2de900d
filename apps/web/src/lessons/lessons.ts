/**
 * The lessons, in the chapter's order (SPEC §2): one server → partitioning → replication → quorums
 * → versioning → failure detection → hinted handoff → anti-entropy → data-centre failure → the
 * write and read paths. Each step says what to look at, asks for a prediction, asks the learner to
 * act on the live cluster (lessonModel.ts sees it done), then says what to check.
 *
 * Claims here are about the lab's real behaviour, so they are checked by its tests: the E2E lesson
 * test walks the quorum lesson; lessons.browser.test.ts asks every `done` of states where it must be
 * false and of states where it must be true.
 */

import { evenSplit } from '../live/dataCentres.ts';
import { hintsHeld } from '../live/labStore.ts';
import type { ClusterSettings } from '../live/settings.ts';
import {
  answeredAfter,
  crashedNodes,
  everyoneBelievedUp,
  forwardUnansweredSince,
  type Lesson,
  markersSince,
  markerTimesSince,
  nodeBelievedDown,
  okAfter,
  okSince,
  replicasDown,
  storageEventSince,
} from './lessonModel.ts';

/** West and east, each with replicas of every key (at least N=3: two in west, one in east). */
function twoDataCentres(s: ClusterSettings): ClusterSettings {
  const n = Math.max(3, s.n);
  return { ...s, dataCentres: 2, replicasPerDc: evenSplit(n), n, r: Math.min(s.r, n), w: Math.min(s.w, n) };
}

export const lessons: readonly Lesson[] = [
  {
    id: 'one-server',
    title: '1 · One server',
    steps: [
      {
        title: 'Every key on one node',
        text: 'Start as a single-server store does: each key kept by exactly one node. In Settings, set N=1, R=1, W=1 and apply (the cluster restarts empty).',
        act: {
          instruction: 'Settings → N 1, R 1, W 1 → Apply.',
          settings: (s) => ({ ...s, dataCentres: 1, n: 1, r: 1, w: 1 }),
          done: (s) => s.settings.n === 1 && s.settings.r === 1 && s.settings.w === 1,
        },
      },
      {
        title: 'Write a key',
        text: 'Put a key with the client. Its line “Replicas of …” names the one node that holds it.',
        act: { instruction: 'Client → Put (key apple).', done: (s, since) => okSince(s, since, 'put') },
      },
      {
        title: 'Lose that node',
        text: 'Kill the node named in “Replicas of apple”, then Get apple.',
        predict: {
          question: 'With N=1, what does the get return once that node is dead?',
          options: [
            'The value: another node has a copy',
            'Nothing: the get times out, or a stand-in that never had the key answers “not found”',
            'The value, from the page’s cache',
          ],
          answer: 1,
          why: 'The only copy is on the dead node. A store on one server is only as available as that server — the reason Dynamo replicates.',
        },
        act: {
          instruction: 'Kill the key’s node, then Get apple.',
          done: (s, since) =>
            markerTimesSince(s, since, 'kill').some((at) =>
              answeredAfter(s, at, 'get').some(
                ({ reply: r, key }) =>
                  replicasDown(s, key) > 0 && (!r.ok || (r.type === 'get' && r.siblings.length === 0)),
              ),
            ),
        },
        check:
          'Restart the node: its commit log brings the key back, so the data was never lost, only unavailable.',
      },
      {
        title: 'Back to three copies',
        text: 'Set N=3, R=2, W=2 again in Settings (the defaults) for the next lessons.',
        act: {
          instruction: 'Settings → N 3, R 2, W 2 → Apply.',
          settings: (s) => ({ ...s, dataCentres: 1, n: 3, r: 2, w: 2 }),
          done: (s) =>
            s.settings.n === 3 && s.settings.r === 2 && s.settings.w === 2 && crashedNodes(s).length === 0,
        },
      },
    ],
  },
  {
    id: 'partitioning',
    title: '2 · Partitioning',
    steps: [
      {
        title: 'The ring',
        text: 'Each key is hashed to a point on the ring; the first node clockwise owns it. Every node has 8 tokens, so it owns 8 arcs.',
        act: {
          instruction: 'Click a key’s mark on the ring (or type a key in the client).',
          done: (s) => s.selection.key !== null,
        },
      },
      {
        title: 'Add a node',
        text: 'Membership → Add a sixth node, and watch the ring.',
        predict: {
          question: 'What share of the keys moves when a sixth node joins?',
          options: [
            'All of them: every key is hashed again',
            'About one sixth — and every key that moves goes to the new node',
            'None until the next restart',
          ],
          answer: 1,
          why: 'The new node’s tokens split some arcs; only keys in those arcs change owner, and they move to it. With plain hash(key) mod n almost every key would move.',
        },
        act: {
          instruction: 'Membership → + Add.',
          done: (s, since) => markersSince(s, since, 'add').length > 0,
        },
        check: 'The ring highlights the ranges that moved; the join streams those keys to the new node.',
      },
    ],
  },
  {
    id: 'replication',
    title: '3 · Replication',
    steps: [
      {
        title: 'N copies',
        text: 'A key’s preference list is the first N distinct nodes clockwise from it (the ring marks them 1, 2, 3).',
        predict: {
          question: 'With N=3 and W=2, how many nodes store a put?',
          options: ['1: the coordinator', '2: W of them', '3: all N, though the client waits for only W'],
          answer: 2,
          why: 'The coordinator sends the write to all N replicas and answers once W have it durably: the third stores it a moment later.',
        },
        act: { instruction: 'Client → Put any key.', done: (s, since) => okSince(s, since, 'put') },
        check:
          'The reply says which W nodes acknowledged; the Versions tab shows the version held by all three.',
      },
      {
        title: 'Ask all three',
        text: 'Read the key back from every replica: choose R/W 3 in the client and Get.',
        act: {
          instruction: 'Client → R/W 3 → Get.',
          done: (s, since) => okSince(s, since, 'get', (r) => r.type === 'get' && r.answeredBy.length >= 3),
        },
        check: 'The get was answered by three nodes: every replica had the write.',
      },
    ],
  },
  {
    id: 'quorums',
    title: '4 · Quorums',
    steps: [
      {
        title: 'One replica down',
        text: 'Pick a key and note its replicas (the client lists them). Kill one of them, then put the key.',
        predict: {
          question: 'With N=3, W=2 and one replica dead, does the put succeed?',
          options: ['Yes: two replicas remain, enough for W=2', 'No: all three must answer'],
          answer: 0,
          why: 'W=2 of N=3 tolerates one failed replica: R + W > N still makes every read meet every write.',
        },
        act: {
          instruction: 'Kill one replica of the key, then Put it.',
          done: (s, since) =>
            markerTimesSince(s, since, 'kill').some((at) =>
              okAfter(s, at, 'put', (_, key) => replicasDown(s, key) >= 1),
            ),
        },
      },
      {
        title: 'Two replicas down',
        text: 'Kill a second replica of the same key, then put it again (once more after a few seconds if it times out).',
        predict: {
          question: 'Only one replica is alive. What happens to a put with W=2?',
          options: [
            'It always fails',
            'At first it times out; once gossip holds the dead replicas down, a stand-in takes the write with a hint (a sloppy quorum)',
            'It succeeds at once on the one live replica',
          ],
          answer: 1,
          why: 'Sloppy quorums count healthy stand-ins beyond the preference list. In Settings, strict quorums would keep failing instead — consistency over availability.',
        },
        act: {
          instruction: 'Kill a second replica, then Put until it is acknowledged.',
          done: (s, since) => {
            const kills = markerTimesSince(s, since, 'kill');
            return (
              kills.length > 0 && okAfter(s, Math.max(...kills), 'put', (_, key) => replicasDown(s, key) >= 2)
            );
          },
        },
        check:
          'The trace shows a stand-in (hint) among the acknowledgements; the Faults timeline shows the hints held.',
      },
      {
        title: 'Bring them back',
        text: 'Restart both nodes. The stand-in hands its hint over once it sees them alive.',
        act: { instruction: 'Restart every killed node.', done: (s) => crashedNodes(s).length === 0 },
      },
      {
        title: 'Quorums that need not meet',
        text: 'Now weaken both quorums: R=1 and W=1, so R + W ≤ N. Leave the workload running at Classroom speed and open the Faults tab: under the faults, a plot counts the stale reads.',
        predict: {
          question: 'With R=1 and W=1, can a get miss a write that was acknowledged before the get was sent?',
          options: [
            'No: every write reaches all three replicas',
            'Yes: the one replica that answers the read may not have the write yet',
          ],
          answer: 1,
          why: 'A write acknowledged by one replica and a read answered by another need not meet when R + W ≤ N. The copies converge later (the other replica-puts, read repair, anti-entropy), but a read in between is stale.',
        },
        act: {
          instruction: 'Settings → R 1, W 1 → Apply; then watch the stale reads plot.',
          done: (s) => s.settings.r === 1 && s.settings.w === 1,
          settings: (s) => ({ ...s, n: Math.max(3, s.n), r: 1, w: 1 }),
        },
        check:
          'Faults → the stale reads plot: at Classroom speed some reads are stale (each missed a write acknowledged before it). Back at R=2, W=2 it stays at 0 %.',
      },
      {
        title: 'Quorums that meet',
        text: 'Set R=2 and W=2 again: every read quorum now shares a replica with every write quorum.',
        act: {
          instruction: 'Settings → R 2, W 2 → Apply.',
          done: (s) => s.settings.r === 2 && s.settings.w === 2,
          settings: (s) => ({ ...s, n: Math.max(3, s.n), r: 2, w: 2 }),
        },
      },
    ],
  },
  {
    id: 'versioning',
    title: '5 · Versioning',
    steps: [
      {
        title: 'Two writers, no context',
        text: 'Put pear=red through n1, then pear=green through n2 (the client’s Put sends no context: each writer has not seen the other).',
        predict: {
          question: 'What does a get of pear return?',
          options: ['green: the last write wins', 'Both red and green, as siblings', 'An error'],
          answer: 1,
          why: 'Neither vector clock descends the other, so the writes are concurrent and the store keeps both for the client to merge. (In Settings, last-write-wins would keep one and silently drop the other.)',
        },
        act: {
          instruction: 'Two puts of pear via different nodes, then Get pear.',
          done: (s, since) => okSince(s, since, 'get', (r) => r.type === 'get' && r.siblings.length >= 2),
        },
        check: 'The Versions tab draws the two versions side by side, both marked sibling.',
      },
      {
        title: 'Merge',
        text: 'Open the Versions tab and Merge (or use Merge in the client after the get).',
        act: {
          instruction: 'Versions → Merge.',
          done: (s, since) => okSince(s, since, 'put', (r) => r.type === 'put' && r.clock.length >= 2),
        },
        check:
          'The merged version’s clock covers both: an arrow runs from each sibling into it, and both are now replaced.',
      },
    ],
  },
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
