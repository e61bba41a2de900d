/**
 * The layout of one SSTable file and its metadata (what the manifest records about it).
 *
 *   ┌──────────────┬─────┬──────────────┬──────────────┬─────────────┬───────────────────┐
 *   │ data block 0 │ …   │ data block n │ filter block │ index block │ footer (28 bytes) │
 *   └──────────────┴─────┴──────────────┴──────────────┴─────────────┴───────────────────┘
 *   index entry:  last key chunk · block offset varint · stored length varint
 *   footer:       filter offset, filter length, index offset, index length, block count,
 *                 magic "KVS2", crc32c of the 24 bytes before it  (all u32 little-endian)
 */

/** "KVS2": version 2 hashes UTF-8 key bytes into the Bloom filter (version 1 hashed UTF-16 units). */
export const tableMagic = 0x3253564b;
export const footerBytes = 28;

export function tableFileName(id: number): string {
  return `${String(id).padStart(6, '0')}.sst`;
}

/** What the manifest keeps about a table; plain data. */
export interface TableMeta {
  id: number;
  level: number;
  bytes: number;
  entries: number;
  tombstones: number;
  smallest: string;
  largest: string;
  minSeq: number;
  maxSeq: number;
  /** Data-block bytes before and after compression: the table's compression ratio. */
  rawBlockBytes: number;
  storedBlockBytes: number;
  filterBits: number;
  filterHashes: number;
}
