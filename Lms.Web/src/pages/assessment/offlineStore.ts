// The attempt page's own storage: the last attempt seen (so a reload without network still shows it)
// and every answer not yet acknowledged by the server, with the time it was given. IndexedDB survives
// a closed tab and a restarted phone; the answers leave it only when the server has stored them.
import type { AnswerItem, AttemptView } from '../../api/assessment';

const DB_NAME = 'lms-assessment';
const VERSION = 1;

export interface PendingAnswer extends AnswerItem {
  attemptId: string;
  /** The order the student gave the answers in on this device (the store lists them by id, which is random). */
  order?: number;
  /** When it was queued, on the device's clock (how long the queue held it). */
  queuedAt?: number;
  /** A send failed for want of network: it waits in the offline queue. */
  held?: boolean;
}

let lastOrder = 0;

/** Increasing on this device, even for two answers in the same millisecond. */
export function nextOrder(): number {
  lastOrder = Math.max(lastOrder + 1, Date.now() * 1000);
  return lastOrder;
}

/** The queue in the order the answers were given (older entries without an order: by their time). */
export function inGivenOrder(queue: PendingAnswer[]): PendingAnswer[] {
  return [...queue].sort((a, b) => (a.order ?? Date.parse(a.clientTime) * 1000) - (b.order ?? Date.parse(b.clientTime) * 1000));
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
  /** Marks answers as held in the offline queue (a send failed for want of network). */
  holdPending: async (answers: PendingAnswer[]) => {
    const waiting = answers.filter((a) => !a.held);
    if (waiting.length === 0) return;
    await run('pending', 'readwrite', (s) => { for (const a of waiting) s.put({ ...a, held: true }); });
  },
  /** The same answers again under new ids (the server already holds other content under the old ones). */
  renewIds: async (answers: PendingAnswer[]) => {
    if (answers.length === 0) return;
    await run('pending', 'readwrite', (s) => {
      for (const a of answers) {
        s.delete(a.answerId);
        s.put({ ...a, answerId: crypto.randomUUID() });
      }
    });
  },
  /** Attempts with answers still waiting to be sent. */
  attemptsWithPending: async (): Promise<string[]> =>
    [...new Set(((await run<PendingAnswer[]>('pending', 'readonly', (s) => s.getAll() as IDBRequest<PendingAnswer[]>)) ?? []).map((p) => p.attemptId))],
  /** Deletes the whole store (sign-out on a shared computer). */
  erase: () => new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  }),
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
