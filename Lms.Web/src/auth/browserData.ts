// What the app keeps in this browser, and how sign-out leaves none of it for the next person at a shared
// school computer (Decree 13/2023: personal data kept only as long as needed), without losing a quiz answer.
import { languageStorageKey } from '../i18n';
import { forgetCachedPages } from '../pwa';

// The quiz's offline store and queue load with the first use (signing out), not with every page's first script;
// the service worker keeps them (the quiz attempt page uses them), so signing out offline still finds them.
const quizStore = () => import('../pages/assessment/offlineStore');

/** Answers still in the queue after trying to send them all (0 when everything reached the server). */
export async function sendAllQueuedAnswers(): Promise<number> {
  // Not inside the try: if the store's code cannot be loaded, nobody may say that nothing is queued.
  const [{ deviceId, offlineStore }, { sendQueued }] = await Promise.all([quizStore(), import('../pages/assessment/answerQueue')]);
  let unsent = 0;
  try {
    for (const attemptId of await offlineStore.attemptsWithPending()) {
      await sendQueued(attemptId, deviceId()).catch(() => undefined);
      unsent += (await offlineStore.pending(attemptId)).length;
    }
  } catch {
    // No IndexedDB here (private mode): nothing was queued.
  }
  return unsent;
}

/** Everything the app stored in this browser, except the language the page is shown in. */
export async function forgetThisBrowser(): Promise<void> {
  try {
    const language = localStorage.getItem(languageStorageKey);
    localStorage.clear();
    if (language) localStorage.setItem(languageStorageKey, language);
    sessionStorage.clear();
  } catch {
    // Storage off: nothing stored.
  }
  await quizStore().then(({ offlineStore }) => offlineStore.erase()).catch(() => undefined);
  await forgetCachedPages().catch(() => undefined);
}

/** Thrown by sign-out when quiz answers could not be sent (no network); the person decides. */
export class UnsentAnswersError extends Error {
  constructor(public readonly count: number) {
    super(`${count} answers not sent`);
  }
}
