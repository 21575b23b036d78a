import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { LiveSession } from '../../api/classroom';
import { lessonRecordingApi, type LessonRecording, type SessionRecordingState } from '../../api/lessonRecording';
import { ErrorMessage } from '../../components/common';
import { formatDateTime } from '../../format';
import { LessonRecorder, type RecorderState } from '../content/recorder';
import { LessonComposer } from './lessonComposer';
import type { TeacherMedia } from './peer';
import type { Room, RoomModel } from './room';

type Phase = 'idle' | 'starting' | 'recording' | 'stopping' | 'uploading';

/** Seconds per uploaded piece: a minute, or `?piece=N` on the room's address (tests record a few seconds). */
function pieceSeconds(): number {
  const asked = Number(new URLSearchParams(window.location.search).get('piece'));
  return asked >= 2 ? asked : 60;
}

/**
 * The lesson's recording in the room. Everyone sees when it is being recorded. The session's
 * teachers start and stop it (or have it start with the lesson); in peer-to-peer rooms this browser
 * records what the class sees and hears (LessonComposer) and uploads it in pieces while the lesson
 * runs; with LiveKit the server records the room. When the lesson ends the recording stops, and
 * it appears in the library and the course a few moments later.
 */
export function ClassroomRecording({ session, model, teacher, room, media }: {
  session: LiveSession; model: RoomModel; teacher: boolean; room: Room | null; media: TeacherMedia | null;
}) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<SessionRecordingState | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [pieces, setPieces] = useState<RecorderState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const composer = useRef<LessonComposer | null>(null);
  const recorder = useRef<LessonRecorder | null>(null);
  const autoStartedFor = useRef<string | null>(null);
  const live = model.status === 'live';

  const refresh = useCallback(() => lessonRecordingApi.state(session.id).then(setState, () => undefined), [session.id]);

  // The state on entering, when the lesson starts or ends, on every recording event, and every 20 s.
  useEffect(() => { void refresh(); }, [refresh, model.status, model.runId]);
  useEffect(() => room?.listen((e) => { if (e.type.startsWith('recording.')) void refresh(); }), [room, refresh]);
  useEffect(() => {
    const busy = live || (state?.recordings.some((r) => r.status === 'finishing') ?? false);
    if (!busy) return;
    const timer = window.setInterval(() => void refresh(), phase === 'idle' && !live ? 3000 : 20_000);
    return () => window.clearInterval(timer);
  }, [live, state, phase, refresh]);

  const stop = useCallback(async () => {
    const mine = recorder.current;
    setError(null);
    setPhase('stopping');
    try {
      if (mine) {
        const count = await mine.stopRecording();
        composer.current?.stop();
        composer.current = null;
        await lessonRecordingApi.stop(session.id, count);
        setPhase('uploading');
        await mine.uploaded();
        recorder.current = null;
      } else {
        await lessonRecordingApi.stop(session.id, null);
      }
    } catch (e) {
      setError(e);
    } finally {
      setPhase('idle');
      void refresh();
    }
  }, [session.id, refresh]);

  const start = useCallback(async () => {
    if (!state) return;
    setError(null);
    setPhase('starting');
    let made: LessonComposer | null = null;
    try {
      // A library title has at most 200 characters; a long session title leaves room for the date.
      const title = t('recording.defaultTitle', { title: session.title.slice(0, 150), date: formatDateTime(new Date().toISOString(), i18n.language) }).slice(0, 200);
      if (state.mode === 'browser') {
        if (!media?.local) throw new Error(t('recording.noCamera'));
        made = new LessonComposer({ camera: () => media.local, screen: () => media.screen, remoteAudio: () => media.remoteAudio() });
        const created = await lessonRecordingApi.start(session.id, title);
        const lesson = new LessonRecorder(made.stream, created.id, pieceSeconds(), setPieces);
        composer.current = made;
        recorder.current = lesson;
        lesson.start();
        setPhase('recording');
      } else {
        await lessonRecordingApi.start(session.id, title);
        setPhase('idle');
      }
    } catch (e) {
      made?.stop();
      setError(e);
      setPhase('idle');
    }
    void refresh();
  }, [state, media, session.id, session.title, t, i18n.language, refresh]);

  // The lesson ended: the recording this browser makes stops with it (LiveKit's stops with the room).
  useEffect(() => {
    if (model.status === 'ended' && recorder.current && phase === 'recording') void stop();
  }, [model.status, phase, stop]);

  // Recorded from the start, when the session says so: the presenting teacher's browser starts it once per run.
  useEffect(() => {
    if (!teacher || !live || !state?.recordAutomatically || state.now || phase !== 'idle' || !model.runId) return;
    if (model.presenterId !== model.me.userId || autoStartedFor.current === model.runId) return;
    if (state.mode === 'browser' && !media?.local) return;
    autoStartedFor.current = model.runId;
    void start();
  }, [teacher, live, state, phase, model.runId, model.presenterId, model.me.userId, media?.local, start]);

  // Leaving the page while this browser records would lose the last piece: the browser asks first.
  useEffect(() => {
    if (phase !== 'recording' && phase !== 'uploading') return;
    const warn = (e: BeforeUnloadEvent) => { e.preventDefault(); };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [phase]);
  useEffect(() => () => {
    // The room is left (another page of the app): what is recorded so far is sent and published.
    if (recorder.current) void recorder.current.stopRecording().then((count) => lessonRecordingApi.stop(session.id, count)).catch(() => {});
    composer.current?.stop();
  }, [session.id]);

  // Once the lesson has ended nothing more is recorded (this browser's recorder or LiveKit's stop with it).
  const recordingNow = live && (phase === 'recording' || !!state?.now);
  const someoneElse = state?.now && state.now.ownerId !== model.me.userId && state.mode === 'browser';
  const thisRun = (state?.recordings ?? []).filter((r) => r.runId === model.runId && r.status !== 'recording');

  return (
    <div className="live-recording" data-testid="classroom-recording">
      {recordingNow && (
        <p className="badge live-recording-on" role="status" data-testid="recording-indicator">
          <span className="recording-dot" aria-hidden="true">●</span> {t('recording.on')}
        </p>
      )}
      {teacher && state?.canRecord && (
        <div className="live-recording-controls">
          {live && (phase === 'recording' || (state.now && !someoneElse) ? (
            <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => void stop()} data-testid="recording-stop">
              ⏹ {t('recording.stop')}</button>
          ) : (
            <button type="button" className="btn btn-small" onClick={() => void start()} disabled={phase !== 'idle' || !!someoneElse}
                    data-testid="recording-start">⏺ {t('recording.start')}</button>
          ))}
          {someoneElse && <span className="muted small">{t('recording.byAnother')}</span>}
          {phase === 'recording' && pieces && (
            <span className="muted small" data-testid="recording-pieces">
              {t('recording.pieces', { sent: pieces.uploadedPieces, recorded: pieces.recordedPieces })}</span>
          )}
          {(phase === 'stopping' || phase === 'uploading') && <span className="muted small" role="status">{t('recording.sending')}</span>}
          {model.status !== 'ended' && (
            <label className="live-toggle small">
              <input type="checkbox" role="switch" checked={state.recordAutomatically} data-testid="recording-auto"
                     onChange={(e) => void lessonRecordingApi.setAutomatic(session.id, e.target.checked).then(refresh, setError)} />
              <span>{t('recording.automatic')}</span>
            </label>
          )}
        </div>
      )}
      {error !== null && (error instanceof Error && !('status' in error)
        ? <p className="alert alert-error" role="alert">{error.message}</p> : <ErrorMessage error={error} />)}
      {teacher && thisRun.length > 0 && <RecordingList recordings={thisRun} teacher />}
    </div>
  );
}

/** Recordings with their state; a published one links to the library item and the course video. */
function RecordingList({ recordings, teacher }: { recordings: LessonRecording[]; teacher: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="live-recordings" aria-label={t('recording.list')}>
      {recordings.map((r) => (
        <li key={r.id} data-testid="recording-entry" data-status={r.status}>
          <span>🎬 {r.title} <span className="muted small">· {formatDateTime(r.startedAt, i18n.language)}</span></span>{' '}
          {r.status === 'published' && r.itemId ? (
            <span className="toolbar">
              {r.courseId && r.courseItemId && (
                <Link className="btn btn-small btn-primary" to={`/courses/${r.courseId}/items/${r.courseItemId}`} data-testid="recording-course-link">
                  {t('recording.watch')}</Link>
              )}
              {teacher && <Link className="btn btn-small" to={`/library/${r.itemId}`} data-testid="recording-library-link">{t('recording.inLibrary')}</Link>}
            </span>
          ) : (
            <span className="muted small" role="status">{t(`recording.status.${r.status}`)}{r.error ? `: ${r.error}` : ''}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The session's recordings under its item in the course (students see the published ones). */
export function SessionRecordings({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<SessionRecordingState | null>(null);
  useEffect(() => { lessonRecordingApi.state(sessionId).then(setState, () => undefined); }, [sessionId]);
  if (!state || state.recordings.length === 0) return null;
  return (
    <section aria-label={t('recording.list')} data-testid="session-recordings">
      <h3>{t('recording.list')}</h3>
      <RecordingList recordings={state.recordings} teacher={state.canRecord} />
    </section>
  );
}
