/**
 * The arrowhead every view draws at the end of a line (`markerEnd={url(#id)}`): one shape, so an
 * arrow means the same in the request trace and the version graph. Put it in the SVG's <defs>.
 */

export function ArrowMarker({
  id,
  colour,
  orient = 'auto',
}: {
  id: string;
  colour: string;
  orient?: string;
}) {
  return (
    <marker id={id} viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient={orient}>
      <path d="M0,0L10,5L0,10z" fill={colour} />
    </marker>
  );
}
