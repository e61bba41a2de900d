/**
 * The chapter's first five lessons: where data lives and how its versions are told apart — one
 * server, partitioning, replication, quorums, versioning (lessons.ts puts them in order).
 */

import {
  answeredAfter,
  crashedNodes,
  type Lesson,
  markersSince,
  markerTimesSince,
  okAfter,
  okSince,
  replicasDown,
} from './lessonModel.ts';

export const dataLessons: readonly Lesson[] = [
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
      {
        title: 'Last write wins',
        text: 'Now the contrast: in Settings, set conflicts to last write wins. Each replica then keeps only the version with the latest timestamp, stamped by the clock of the node that coordinated the write.',
        act: {
          instruction: 'Settings → conflicts: last write wins → Apply.',
          done: (s) => s.settings.conflictMode === 'lww',
          settings: (s) => ({ ...s, conflictMode: 'lww' }),
        },
      },
      {
        title: 'A clock that runs behind',
        text: 'Type a key in the client: it lists the key’s replicas. In Faults → Clocks, set the first replica’s clock 10 s behind. Put the key through the second replica, then put a new value through the first (a replica coordinates the writes it is sent), and Get the key.',
        predict: {
          question: 'Which value does the get return?',
          options: [
            'The new value: it was written last',
            'The first value: its timestamp is the later one',
            'Both, as siblings',
          ],
          answer: 1,
          why: 'Last write wins compares timestamps, not the order the writes came in. The new value was stamped by a clock 10 s behind, so it looks older, and every replica drops it: an acknowledged write lost without a word. Vector clocks read no time; under siblings both writes would be kept.',
        },
        act: {
          instruction:
            'Faults → Clocks → set a replica’s clock 10 s behind; two puts of one key, the second through that replica; then Get the key.',
          done: (s, since) => {
            const [skewedAt] = markerTimesSince(s, since, 'skew');
            return skewedAt !== undefined && okAfter(s, skewedAt, 'get');
          },
        },
        check:
          'The get shows the first value, stamped on the second replica’s clock. Heal all (Faults) sets the clock right.',
      },
      {
        title: 'Back to siblings',
        text: 'Set conflicts back to vector clocks, the lab’s default, which keeps every write no other write saw.',
        act: {
          instruction: 'Settings → conflicts: vector clocks (siblings) → Apply.',
          done: (s) => s.settings.conflictMode === 'siblings',
          settings: (s) => ({ ...s, conflictMode: 'siblings' }),
        },
      },
    ],
  },
];
