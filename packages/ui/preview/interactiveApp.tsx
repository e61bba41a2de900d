/**
 * A small interactive page for the keyboard check (interactive.ts): the ring, the event log, the
 * trace and the timeline wired with linked selection, as the lab would wire them. Bundled with
 * esbuild and opened in Chromium; not part of the product.
 */

import { buildRing, nodeIds } from '@kvscope/engine';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { sampleEvents } from '../src/fixtures/sampleData.ts';
import { EventLog } from '../src/log/EventLog.tsx';
import { RingView } from '../src/ring/RingView.tsx';
import { FaultTimeline } from '../src/timeline/FaultTimeline.tsx';
import { faultsFromEvents } from '../src/timeline/timelineModel.ts';
import { RequestTrace } from '../src/trace/RequestTrace.tsx';

const five = buildRing(nodeIds(5).map((id) => ({ id })));
const six = buildRing(nodeIds(6).map((id) => ({ id })));
const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);

function App() {
  const [key, setKey] = useState<string | null>(null);
  const [node, setNode] = useState<string | null>(null);
  const [joined, setJoined] = useState(false);
  const [fault, setFault] = useState('');
  return (
    <main style={{ display: 'grid', gridTemplateColumns: '520px 1fr', gap: 16 }}>
      <div>
        <button type="button" id="join" onClick={() => setJoined(!joined)}>
          {joined ? 'remove n6' : 'add n6'}
        </button>
        <RingView
          ring={joined ? six : five}
          previousRing={joined ? five : null}
          n={3}
          keys={keys}
          selectedKey={key}
          selectedNode={node}
          onSelectKey={setKey}
          onSelectNode={setNode}
          size={520}
        />
      </div>
      <div>
        <output id="selection">{`key=${key ?? ''} node=${node ?? ''} fault=${fault}`}</output>
        <RequestTrace
          requestId="c9"
          events={sampleEvents}
          selectedNode={node}
          onSelectNode={setNode}
          width={700}
        />
        <FaultTimeline
          faults={faultsFromEvents(sampleEvents)}
          onSelectFault={(m) => setFault(`${m.kind}@${m.at}`)}
          width={700}
        />
        <EventLog
          events={sampleEvents}
          selectedKey={key}
          selectedNode={node}
          onSelectKey={setKey}
          height={200}
        />
      </div>
    </main>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
