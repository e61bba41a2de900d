/**
 * T3 with the kv workload under strict quorums (R=W=2 of N=3, no stand-ins): the same matrix as
 * t3KvMatrix.test.ts, where R + W > N also promises no stale read (P4) and the session guarantees
 * (P5). Default seeds 1 and 3; `KVSCOPE_SEEDS=N` runs N seeds.
 */

import { seedsFor } from '../jepsen/harness.ts';
import { describeKvMatrix } from './kvMatrix.ts';

describeKvMatrix('strict', seedsFor([1, 3]));
