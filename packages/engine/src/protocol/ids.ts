/**
 * Branded identifiers: a `NodeId` is a string, but not every string is a `NodeId`, so mixing a key
 * and a node id is a type error (TIGER_STYLE "Naming things").
 */

export type NodeId = string & { readonly __brand: 'NodeId' };

export function nodeId(id: string): NodeId {
  return id as NodeId;
}

/** `n1`, `n2`, … : the names the lab and the scenario files use. */
export function nodeIds(count: number, prefix = 'n'): NodeId[] {
  return Array.from({ length: count }, (_, i) => nodeId(`${prefix}${i + 1}`));
}

/** Node ids in a stable order (n2 before n10), for tables and deterministic iteration. */
export function compareNodeIds(a: string, b: string): number {
  const na = /^(\D*)(\d+)$/.exec(a);
  const nb = /^(\D*)(\d+)$/.exec(b);
  if (na && nb && na[1] === nb[1]) return Number(na[2]) - Number(nb[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}
