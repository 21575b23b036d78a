// The attempt page's own storage: the last attempt seen (so a reload without network still shows it)
// and every answer not yet acknowledged by the server, with the time it was given. IndexedDB survives
// a closed tab and a restarted phone; the answers leave it only when the server has stored them.
import type { AnswerItem, AttemptView } from '../../api/assessment';

const DB_NAME = 'lms-assessment';
const VERSION = 1;

export interface PendingAnswer extends AnswerItem {
  attemptId: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('attempts')) db.createObjectStore('attempts', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('pending')) {
        const store = db.createObjectStore('pending', { keyPath: 'answerId' });
        store.createIndex('attempt', 'attemptId');
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run<T>(store: string, mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = work(tx.objectStore(store));
      let result: T | undefined;
      if (req) req.onsuccess = () => { result = req.result; };
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export const offlineStore = {
  saveAttempt: (view: AttemptView) => run('attempts', 'readwrite', (s) => s.put(view)),
  loadAttempt: (id: string) => run<AttemptView>('attempts', 'readonly', (s) => s.get(id) as IDBRequest<AttemptView>),
  addPending: (answer: PendingAnswer) => run('pending', 'readwrite', (s) => s.put(answer)),
  pending: async (attemptId: string): Promise<PendingAnswer[]> =>
    (await run<PendingAnswer[]>('pending', 'readonly', (s) => s.index('attempt').getAll(attemptId) as IDBRequest<PendingAnswer[]>)) ?? [],
  removePending: async (ids: string[]) => {
    if (ids.length === 0) return;
    await run('pending', 'readwrite', (s) => { for (const id of ids) s.delete(id); });
  },
};

const deviceKey = 'lms.deviceId';

/** This browser's id, so the server can tell a second device on the same attempt. */
export function deviceId(): string {
  try {
    let id = localStorage.getItem(deviceKey);
    if (!id) {
      id = crypto.randomUUID();
      localStorage.setItem(deviceKey, id);
    }
    return id;
  } catch {
    return 'no-storage';
  }
}
