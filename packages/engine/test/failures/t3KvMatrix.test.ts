/**
 * T3 with the kv workload under sloppy quorums (R=W=2, stand-ins allowed): get / put / delete with
 * contexts by five racing clients, under every nemesis of the matrix (kvMatrix.ts). Default seeds
 * 1 and 3 (both found the duplicated-forward bug before its fix); `KVSCOPE_SEEDS=N` runs N seeds.
 */

import { seedsFor } from '../jepsen/harness.ts';
import { describeKvMatrix } from './kvMatrix.ts';

describeKvMatrix('sloppy', seedsFor([1, 3]));
