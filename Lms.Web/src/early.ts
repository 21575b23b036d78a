// The first thing a page runs, a few hundred bytes loaded beside the app's main script (a separate entry: see
// `earlyStart` in vite.config.ts). On a phone on 3G the main script takes seconds to arrive; meanwhile this asks
// for what the page will need once the app runs, so that it is already here:
//  - the files of the page's route (its chunk, the signed-in shell, their imports and styles), which the app would
//    otherwise discover one round trip after another (main script → shell → page → page's imports);
//  - the page's first API answers (who is signed in, the course, the attempt, the live lesson), which the app takes
//    from here (api/earlyAnswers.ts) instead of asking again.
// It imports nothing (an import would be one more round trip before it runs) and keeps answers in memory only,
// for a few seconds: nothing is stored, and a request that changes something forgets them all.

interface EarlyRoute {
  path: RegExp;
  /** Names of the file groups vite.config.ts lists for this route (`routeModules`). */
  files: string[];
  /** The API GETs the route's page sends first, from the path's match. */
  api: (match: RegExpExecArray) => string[];
}

/** Where offlineStore.ts keeps this device's id, which an attempt is asked for with. */
const deviceKey = 'lms.deviceId';

/** This device's id as offlineStore.ts's deviceId() makes it (whichever runs first makes it, the other reads it). */
function attemptAddress(attemptId: string): string[] {
  let device: string | null = null;
  try {
    device = localStorage.getItem(deviceKey);
    if (!device) {
      device = crypto.randomUUID();
      localStorage.setItem(deviceKey, device);
    }
  } catch {
    // Storage off: the page asks itself.
  }
  if (!device) return [];
  const query = new URLSearchParams({ deviceId: device, clientNow: new Date().toISOString() });
  return [`/api/attempts/${encodeURIComponent(attemptId)}?${query}`];
}

const routes: EarlyRoute[] = [
  { path: /^\/$/, files: ['shell', 'home'], api: () => ['/api/courses?skip=0&take=12'] },
  { path: /^\/courses\/([0-9a-f-]{36})(\/items\/[0-9a-f-]{36})?\/?$/, files: ['shell', 'course'], api: (m) => [`/api/courses/${m[1]}`] },
  { path: /^\/attempts\/([0-9a-f-]{36})\/?$/, files: ['shell', 'attempt'], api: (m) => attemptAddress(m[1]) },
  { path: /^\/live\/([0-9a-f-]{36})\/?$/, files: ['shell', 'live'], api: (m) => [`/api/classroom/sessions/${m[1]}`] },
];

/** How long an early answer waits to be taken: the page asks within a second or two of starting. */
const keepMs = 15_000;

declare global {
  interface Window {
    /** Early answers by address (api/earlyAnswers.ts takes each once). */
    lmsEarly?: Map<string, Promise<Response>>;
  }
}

function preload(file: string) {
  const link = document.createElement('link');
  // As Vite's own preloading writes them (it then sees them and adds no second copy): a module, or the stylesheet itself.
  link.rel = file.endsWith('.css') ? 'stylesheet' : 'modulepreload';
  link.crossOrigin = '';
  link.href = '/' + file;
  document.head.appendChild(link);
}

function ask(address: string, answers: Map<string, Promise<Response>>) {
  const answer = fetch(address, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json' },
  });
  // A failure is the taker's to see (the same network error it would have had); unclaimed, it is dropped quietly.
  answer.catch(() => undefined);
  answers.set(address, answer);
  window.setTimeout(() => answers.delete(address), keepMs);
}

function start() {
  const path = window.location.pathname;
  const route = routes.map((r) => ({ r, m: r.path.exec(path) })).find((x) => x.m !== null);
  const answers = new Map<string, Promise<Response>>();
  window.lmsEarly = answers;
  // Every page of the app asks who is signed in first (a 401 is an answer too: the sign-in page).
  ask('/api/identity/me', answers);
  if (!route?.m) return;
  for (const address of route.r.api(route.m)) ask(address, answers);
  // The file list is in the page's head before this script's tag, so it has been parsed. The files are asked for
  // at once, beside the main script: on a line of 400 kb/s they share it and all arrive together (asking for them
  // only after the main script was measured to be no faster: it adds a round trip, and the phone is busy running
  // the main script meanwhile).
  const groups = JSON.parse(document.getElementById('lms-route-files')?.textContent || '{}') as Record<string, string[]>;
  for (const group of route.r.files) for (const file of groups[group] ?? []) preload(file);
}

start();
