// The SCORM runtime page, served from the content origin (never the app's): it holds scorm-again's API
// (window.API for SCORM 1.2, window.API_1484_11 for 2004) and frames the SCO, which finds the API in its parent as
// the standard's discovery walk expects (same origin, so it may look). The API answers the SCO synchronously from
// its own data model; each commit is handed to the player page (the app) by postMessage, and the app saves it
// over its own API with its own cookie, which never reaches this origin. The app origin comes from the page itself
// (the server writes it from the signed token), so a message goes to that origin only.
import type { ScormLaunch } from '../../api/scorm';
import { isPlayerMessage, type RuntimeMessage } from './messages';
import './runtime.css';

type Launch = Omit<ScormLaunch, 'runtimeUrl'>;

interface ScormApi {
  cmi: Record<string, unknown>;
  loadFromJSON(json: Record<string, unknown>, element?: string): void;
}

const appOrigin = document.querySelector('meta[name="lms-app-origin"]')?.getAttribute('content') ?? '';
const token = location.pathname.split('/')[2] ?? '';
const frame = document.getElementById('sco') as HTMLIFrameElement;
let started = false;
let startedAt = 0;

function tell(message: RuntimeMessage) {
  if (appOrigin) window.parent.postMessage(message, appOrigin);
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
const number = (value: unknown) => (text(value) === '' || Number.isNaN(Number(value)) ? null : Number(value));
const pad = (n: number, width = 2) => String(Math.floor(n)).padStart(width, '0');
const clock = (seconds: number) => `${pad(seconds / 3600, 4)}:${pad((seconds % 3600) / 60)}:${pad(seconds % 60)}`;
const iso = (seconds: number) => `PT${Math.floor(seconds / 3600)}H${Math.floor((seconds % 3600) / 60)}M${Math.floor(seconds % 60)}S`;

/** The saved state in scorm-again's data model, read-only elements included (it takes them before LMSInitialize). */
function savedModel(launch: Launch): Record<string, unknown> {
  const r = launch.resume;
  const score = (raw?: number | null, min?: number | null, max?: number | null) =>
    ({ raw: text(raw), min: text(min), max: text(max) });
  if (launch.version === '1.2') {
    return {
      core: {
        student_id: launch.learnerId, student_name: launch.learnerName,
        lesson_status: r?.lessonStatus ?? '', lesson_location: r?.location ?? '',
        entry: r ? (r.exitMode === 'suspend' ? 'resume' : '') : 'ab-initio',
        total_time: clock(r?.totalSeconds ?? 0),
        score: r ? score(r.scoreRaw, r.scoreMin, r.scoreMax) : {},
      },
      suspend_data: r?.suspendData ?? '',
      launch_data: launch.launchData ?? '',
    };
  }
  return {
    learner_id: launch.learnerId, learner_name: launch.learnerName,
    completion_status: r?.completionStatus ?? '', success_status: r?.successStatus ?? '',
    location: r?.location ?? '', suspend_data: r?.suspendData ?? '',
    entry: r ? (r.exitMode === 'suspend' ? 'resume' : '') : 'ab-initio',
    total_time: iso(r?.totalSeconds ?? 0),
    score: r ? { ...score(r.scoreRaw, r.scoreMin, r.scoreMax), scaled: text(r.scoreScaled) } : {},
    launch_data: launch.launchData ?? '',
    scaled_passing_score: launch.masteryScore != null ? text(launch.masteryScore / 100) : '',
  };
}

/**
 * What the app keeps of the data model after a commit, read from the commit scorm-again rendered (the model itself
 * refuses to read write-only elements such as the session time).
 */
function snapshot(launch: Launch, params: unknown, finished: boolean): RuntimeMessage {
  const cmi = ((params as { cmi?: unknown })?.cmi ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const elapsed = (Date.now() - startedAt) / 1000;
  if (launch.version === '1.2') {
    const core = cmi.core ?? {};
    core.score ??= {};
    const reported = text(core.session_time);
    return {
      lms: 'scorm', type: 'commit', finished,
      commit: {
        sessionId: launch.sessionId,
        lessonStatus: text(core.lesson_status) || null, completionStatus: null, successStatus: null,
        scoreRaw: number(core.score.raw), scoreMin: number(core.score.min), scoreMax: number(core.score.max), scoreScaled: null,
        // A SCO that never reports its time gets the time the page was open.
        sessionTime: reported && reported !== '00:00:00' ? reported : clock(elapsed),
        location: text(core.lesson_location) || null, suspendData: text(cmi.suspend_data) || null, exit: text(core.exit) || null,
      },
    };
  }
  const reported = text(cmi.session_time);
  cmi.score ??= {};
  return {
    lms: 'scorm', type: 'commit', finished,
    commit: {
      sessionId: launch.sessionId, lessonStatus: null,
      completionStatus: text(cmi.completion_status) || null, successStatus: text(cmi.success_status) || null,
      scoreRaw: number(cmi.score.raw), scoreMin: number(cmi.score.min), scoreMax: number(cmi.score.max), scoreScaled: number(cmi.score.scaled),
      sessionTime: reported && reported !== 'PT0H0M0S' ? reported : iso(elapsed),
      location: text(cmi.location) || null, suspendData: text(cmi.suspend_data) || null, exit: text(cmi.exit) || null,
    },
  };
}

async function start(launch: Launch) {
  let api: ScormApi;
  // Commits go to the app, not to a URL: scorm-again calls this where it would send its HTTP request.
  const http = {
    processHttpRequest: (_url: string, params: unknown, terminate: boolean) => {
      tell(snapshot(launch, params, terminate));
      return { result: 'true', errorCode: 0 };
    },
    updateSettings: () => undefined,
  };
  const settings = { lmsCommitUrl: 'lms:commit', autocommit: true, autocommitSeconds: 15, logLevel: 5 };
  if (launch.version === '1.2') {
    const { Scorm12API } = await import('scorm-again/scorm12') as unknown as { Scorm12API: new (s: object, h: object) => ScormApi };
    api = new Scorm12API(settings, http);
    (window as unknown as { API: ScormApi }).API = api;
  } else {
    const { Scorm2004API } = await import('scorm-again/scorm2004') as unknown as { Scorm2004API: new (s: object, h: object) => ScormApi };
    api = new Scorm2004API(settings, http);
    (window as unknown as { API_1484_11: ScormApi }).API_1484_11 = api;
  }
  api.loadFromJSON(savedModel(launch));
  startedAt = Date.now();
  frame.src = `/p/${token}/${launch.href}${launch.parameters ?? ''}`;
}

window.addEventListener('message', (event) => {
  if (event.origin !== appOrigin || event.source !== window.parent || !isPlayerMessage(event.data) || started) return;
  started = true;
  frame.title = event.data.title;
  void start(event.data.launch);
});
tell({ lms: 'scorm', type: 'ready' });
