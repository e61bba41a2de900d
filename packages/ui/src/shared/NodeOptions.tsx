/**
 * The options of a select that picks a node: one per id, the id its own label. Six selects of the
 * lab (the client's coordinator, a link's ends, a clock, a node to remove, the log's filter) list
 * nodes so.
 */

export function NodeOptions({ ids }: { ids: readonly string[] }) {
  return (
    <>
      {ids.map((id) => (
        <option key={id} value={id}>
          {id}
        </option>
      ))}
    </>
  );
}
