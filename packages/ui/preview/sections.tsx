/** The preview's sections: each view with sample data, at the size the lab is likely to give it. */

import { buildRing, nodeIds } from '@kvscope/engine';
import type { ReactElement } from 'react';
import { sampleEvents, sampleSnapshot } from '../src/fixtures/sampleData.ts';
import { NodeInspector } from '../src/inspector/NodeInspector.tsx';
import { EventLog } from '../src/log/EventLog.tsx';
import { RingView } from '../src/ring/RingView.tsx';
import { FaultTimeline } from '../src/timeline/FaultTimeline.tsx';
import { faultsFromEvents } from '../src/timeline/timelineModel.ts';
import { RequestTrace } from '../src/trace/RequestTrace.tsx';

export interface PreviewSection {
  name: string;
  title: string;
  element: ReactElement;
  fullPage?: boolean;
}

const ring = (count: number) => buildRing(nodeIds(count).map((id) => ({ id })));
const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);

export function previewSections(): PreviewSection[] {
  return [
    {
      name: 'ring-selected-key',
      title: 'Hash ring — key k17 selected (5 nodes, N=3)',
      element: (
        <div style={{ width: 620 }}>
          <RingView ring={ring(5)} n={3} keys={keys} selectedKey="k17" unavailable={['n2']} />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'ring-join',
      title: 'Hash ring — n6 joined, node n6 selected',
      element: (
        <div style={{ width: 620 }}>
          <RingView ring={ring(6)} previousRing={ring(5)} n={3} keys={keys} selectedNode="n6" />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'ring-under',
      title: 'Hash ring — 2 nodes, N=3',
      element: (
        <div style={{ width: 620 }}>
          <RingView ring={ring(2)} n={3} keys={keys.slice(0, 5)} selectedKey="k3" />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'trace-put',
      title: 'Request trace — put k17 (W=2), with messages',
      element: (
        <div style={{ width: 780 }}>
          <RequestTrace requestId="c7" events={sampleEvents} messages={sampleEvents} selectedNode="n4" />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'trace-get-repair',
      title: 'Request trace — forwarded get with a late answer and read repair',
      element: (
        <div style={{ width: 780 }}>
          <RequestTrace requestId="c9" events={sampleEvents} messages={sampleEvents} />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'trace-timeout',
      title: 'Request trace — put k3 (W=3) times out with n2 crashed',
      element: (
        <div style={{ width: 780 }}>
          <RequestTrace requestId="c12" events={sampleEvents} messages={sampleEvents} standIns={{}} />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'event-log',
      title: 'Event log (messages hidden by default), k17 selected',
      element: (
        <div style={{ width: 900 }}>
          <EventLog events={sampleEvents} selectedKey="k17" height={600} />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'inspector',
      title: 'Node inspector — n4 after a restart, with membership and hints (seams)',
      element: (
        <div style={{ width: 1240 }}>
          <NodeInspector
            snapshot={sampleSnapshot}
            status="up"
            recovered
            membership={[
              { member: 'n1', status: 'alive', heartbeat: 88, silentForMs: 400 },
              { member: 'n2', status: 'down', heartbeat: 41, silentForMs: 9_200, suspectedBy: ['n4', 'n1'] },
              { member: 'n3', status: 'suspected', heartbeat: 79, silentForMs: 3_100, suspectedBy: ['n4'] },
            ]}
            hints={[{ owner: 'n2', count: 12, bytes: 2_048, oldestMs: 5_000 }]}
          />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'timeline',
      title: 'Fault timeline with throughput and availability',
      element: (
        <div style={{ width: 1240 }}>
          <FaultTimeline
            faults={[
              ...faultsFromEvents(sampleEvents),
              { at: 5_300, kind: 'pause', nodes: ['n5'] },
              { at: 5_600, kind: 'slow', label: 'slow n1→n3 (300 ms)', until: 7_000 },
              { at: 12_000, kind: 'partition', label: 'n1 n2 | n3 n4 n5', until: 20_000 },
              { at: 20_000, kind: 'heal' },
              { at: 23_000, kind: 'wipe', nodes: ['n3'] },
              { at: 24_000, kind: 'loss', label: 'lossy n4↔n5 (20%)' },
            ]}
            sparklines={[
              {
                label: 'throughput',
                unit: 'ops/s',
                points: Array.from({ length: 60 }, (_, i) => ({
                  at: i * 500,
                  value: 180 + 40 * Math.sin(i / 4) - (i >= 24 && i < 40 ? 90 : 0),
                })),
              },
              {
                label: 'availability',
                unit: '%',
                max: 100,
                colour: '#1a7f37',
                points: Array.from({ length: 60 }, (_, i) => ({
                  at: i * 500,
                  value: i >= 24 && i < 40 ? 62 : 100,
                })),
              },
            ]}
            now={26_000}
            selectedNode="n2"
            width={1200}
          />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'lab-1280x720',
      title: 'At 1280×720: ring and trace side by side, k17 linked',
      element: (
        <div style={{ display: 'flex', gap: 16, width: 1248 }}>
          <div style={{ width: 520 }}>
            <RingView ring={ring(5)} n={3} keys={keys} selectedKey="k17" selectedNode="n4" size={520} />
          </div>
          <div style={{ width: 712 }}>
            <RequestTrace
              requestId="c7"
              events={sampleEvents}
              messages={sampleEvents}
              selectedNode="n4"
              width={712}
            />
          </div>
        </div>
      ),
    },
  ];
}
