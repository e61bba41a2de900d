/**
 * The benchmark's peer: a key-value store used the way a web app uses IndexedDB directly — one
 * object store, one readwrite transaction per put (acknowledged when it completes), one readonly
 * transaction per get. `durability` picks the commit guarantee: 'strict' waits for the disk sync
 * (what "durable" means for our OPFS flush), 'relaxed' only for the browser's own write, 'default'
 * is what an app gets without asking (Chromium's choice).
 */

export class IndexedDbPeer {
  private constructor(
    private readonly db: IDBDatabase,
    private readonly durability: IDBTransactionDurability,
  ) {}

  static async open(name: string, durability: IDBTransactionDurability): Promise<IndexedDbPeer> {
    await settle(indexedDB.deleteDatabase(name));
    const opening = indexedDB.open(name, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore('kv');
    return new IndexedDbPeer(await settle(opening), durability);
  }

  /** Resolves when the put's transaction has committed. */
  put(key: string, value: Uint8Array): Promise<void> {
    const tx = this.db.transaction('kv', 'readwrite', { durability: this.durability });
    tx.objectStore('kv').put(value, key);
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error);
    });
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return settle(this.db.transaction('kv', 'readonly').objectStore('kv').get(key));
  }

  close(): void {
    this.db.close();
  }
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
