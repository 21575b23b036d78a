// What the player page (the app's origin) and the runtime page (the content origin) say to each other with
// postMessage. Each side checks the other's origin and window before it reads a message.
import type { ScormCommit, ScormLaunch } from '../../api/scorm';

export type RuntimeMessage =
  | { lms: 'scorm'; type: 'ready' }
  | { lms: 'scorm'; type: 'commit'; commit: ScormCommit; finished: boolean };

/** `title` names the SCO's frame for screen readers, in the reader's language. */
export type PlayerMessage = { lms: 'scorm'; type: 'start'; title: string; launch: Omit<ScormLaunch, 'runtimeUrl'> };

export function isRuntimeMessage(data: unknown): data is RuntimeMessage {
  return typeof data === 'object' && data !== null && (data as { lms?: unknown }).lms === 'scorm'
    && ((data as { type?: unknown }).type === 'ready' || (data as { type?: unknown }).type === 'commit');
}

export function isPlayerMessage(data: unknown): data is PlayerMessage {
  return typeof data === 'object' && data !== null && (data as { lms?: unknown }).lms === 'scorm' && (data as { type?: unknown }).type === 'start';
}
