/**
 * Gossip: the who-thinks-who-is-alive matrix (SPEC §2) from every running node's membership table —
 * one row per observer, one column per member, each cell written in words and a glyph, not colour
 * alone. A crashed node has no row: it believes nothing. Rows disagree for a while after a fault;
 * that is the point of a failure detector without a coordinator.
 */

import type { NodeId } from '@kvscope/engine';
import { type Belief, beliefMatrix } from '../live/gossip.ts';
import type { LabState, Selection } from '../live/labStore.ts';

/** More nodes than this draw the matrix with compact cells (16 fit a 1280×720 screen). */
const denseFrom = 8;

const cell: Record<Belief, { glyph: string; className: string }> = {
  alive: { glyph: '✓', className: 'belief-alive' },
  suspected: { glyph: '?', className: 'belief-suspected' },
  down: { glyph: '✕', className: 'belief-down' },
  left: { glyph: '←', className: 'belief-down' },
};

export function GossipPanel({
  state,
  onSelect,
}: {
  state: LabState;
  onSelect: (patch: Partial<Selection>) => void;
}) {
  const matrix = beliefMatrix(state.order, state.snapshots);
  const observers = Object.keys(matrix);
  return (
    <section className="panel" aria-label="Gossip" data-testid="gossip">
      <h2>Who thinks who is alive</h2>
      {observers.length === 0 ? (
        <p className="muted">
          No membership tables yet: they appear once the nodes gossip (engine membership).
        </p>
      ) : (
        // Past eight nodes the cells shrink to fit the panel; past sixteen the table scrolls sideways.
        <div className="matrix-box">
          <table
            className={state.order.length > denseFrom ? 'matrix dense' : 'matrix'}
            data-testid="gossip-matrix"
          >
            <caption className="muted small">
              Row: the node that believes; column: the node it believes about. ✓ alive · ? suspected · ✕ down
              · — no opinion (crashed, not heard of yet, or removed after being down for T_cleanup).
            </caption>
            <thead>
              <tr>
                <th scope="col">
                  <span>thinks ↓</span> <span>about →</span>
                </th>
                {state.order.map((id) => (
                  <th key={id} scope="col">
                    {id}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {state.order.map((observer) => (
                <tr key={observer} className={state.selection.node === observer ? 'selected' : undefined}>
                  <th scope="row">
                    <button
                      type="button"
                      className="link"
                      onClick={() => onSelect({ node: observer as NodeId })}
                    >
                      {observer}
                    </button>
                  </th>
                  {state.order.map((member) => {
                    const belief = matrix[observer]?.[member];
                    const look = belief ? cell[belief] : null;
                    return (
                      <td
                        key={member}
                        className={look?.className ?? 'belief-none'}
                        data-testid={`belief-${observer}-${member}`}
                      >
                        {look ? (
                          <>
                            <span aria-hidden="true">{look.glyph}</span>
                            <span className="belief-word"> {belief}</span>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
