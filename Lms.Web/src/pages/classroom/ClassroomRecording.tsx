import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { LiveSession } from '../../api/classroom';
import { lessonRecordingApi, type LessonRecording, type SessionRecordingState } from '../../api/lessonRecording';
import { ErrorMessage } from '../../components/common';
import { formatDateTime, formatTime } from '../../format';
import { LessonRecorder, type RecorderState } from '../content/recorder';
import { LessonComposer } from './lessonComposer';
import type { TeacherMedia } from './peer';
import type { Room, RoomModel } from './room';
import type { TeacherTab } from './teacherTab';

type Phase = 'idle' | 'starting' | 'recording' | 'stopping' | 'uploading';

/** Seconds per uploaded piece: as the server says (a minute), or `?piece=N` on the room's address. */
function pieceSeconds(state: SessionRecordingState | null): number {
  const asked = Number(new URLSearchParams(window.location.search).get('piece'));
  if (asked >= 2) return asked;
  return state && state.pieceSeconds >= 2 ? state.pieceSeconds : 60;
}

/** The header that says which tab sends a piece (the server takes pieces only from the tab that records). */
const TAB_HEADER = 'X-Recorder-Tab';

/** Shown in a teacher's tab that does not act for them: which tab does, and a button to act here instead. */
export function TabNotice({ tab }: { tab: TeacherTab }) {
  const { t, i18n } = useTranslation();
  if (tab.acting !== false) return null;
  return (
    <div className="alert alert-info" role="status" data-testid="tab-notice">
      <p>{tab.other ? t('recording.tab.other', { time: formatTime(tab.other.since, i18n.language) }) : t('recording.tab.none')}</p>
      <button type="button" className="btn btn-small btn-primary" onClick={() => void tab.takeOver()} data-testid="tab-take-over">
        {t('recording.tab.takeOver')}</button>
    </div>
  );
}

/**
 * The lesson's recording in the room. Everyone sees when it is being recorded, and only while pieces
 * arrive. The session's teachers start and stop it (or have it start with the lesson); in peer-to-peer
 * rooms the teacher's tab that acts for them records what the class sees and hears (LessonComposer)
 * and uploads it in pieces while the lesson runs; with LiveKit the server records the room. The
 * recording belongs to the session: a reloaded or reopened tab of its teacher goes on with it from the
 * next piece (and says so), a tab that took over goes on with it, and a tab that lost it stops sending.
 * When the lesson ends the recording stops, and it appears in the library and the course a few moments later.
 */
export function ClassroomRecording({ session, model, teacher, room, media, tab, broadcasting = false }: {
  session: LiveSession; model: RoomModel; teacher: boolean; room: Room | null; media: TeacherMedia | null; tab: TeacherTab;
  /** The lesson is broadcast: the broadcast is its recording (published when it ends), so this browser records nothing more. */
  broadcasting?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<SessionRecordingState | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [pieces, setPieces] = useState<RecorderState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [resumedAt, setResumedAt] = useState<number | null>(null);
  const [takenOver, setTakenOver] = useState(false);
  const composer = useRef<LessonComposer | null>(null);
  const recorder = useRef<LessonRecorder | null>(null);
  const autoStartedFor = useRef<string | null>(null);
  const live = model.status === 'live';

  const refresh = useCallback(() => lessonRecordingApi.state(session.id).then(setState, () => undefined), [session.id]);

  // The state on entering, when the lesson starts or ends, on every recording event, when a teacher's tab comes
  // or goes (its recording may be interrupted), and while the lesson is live about once a piece.
  useEffect(() => { void refresh(); }, [refresh, model.status, model.runId]);
  useEffect(() => room?.listen((e) => { if (e.type.startsWith('recording.') || e.type.startsWith('tab.')) void refresh(); }), [room, refresh]);
  const every = Math.min(20_000, Math.max(3000, pieceSeconds(state) * 1000));
  useEffect(() => {
    const busy = live || (state?.recordings.some((r) => r.status === 'finishing') ?? false);
    if (!busy) return;
    const timer = window.setInterval(() => void refresh(), phase === 'idle' && !live ? 3000 : every);
    return () => window.clearInterval(timer);
  }, [live, state, phase, refresh, every]);

  /** This tab no longer records (another tab went on with it): what it recorded is cut and sent; the recording goes on elsewhere. */
  const letGo = useCallback(() => {
    const mine = recorder.current;
    recorder.current = null;
    if (mine) void mine.stopRecording().catch(() => {});
    composer.current?.stop();
    composer.current = null;
    setPhase('idle');
    setResumedAt(null);
  }, []);

  const stop = useCallback(async () => {
    const mine = recorder.current;
    setError(null);
    setPhase('stopping');
    try {
      if (mine) {
        const count = await mine.stopRecording();
        composer.current?.stop();
        composer.current = null;
        await lessonRecordingApi.stop(session.id, count, tab.id);
        setPhase('uploading');
        await mine.uploaded();
        recorder.current = null;
      } else {
        await lessonRecordingApi.stop(session.id, null, tab.id);
      }
    } catch (e) {
      setError(e);
    } finally {
      setPhase('idle');
      setResumedAt(null);
      void refresh();
    }
  }, [session.id, refresh, tab.id]);

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
        // The recording in progress, if there is one, goes on from this tab at its next piece.
        const created = await lessonRecordingApi.start(session.id, title, tab.id);
        const lesson = new LessonRecorder(made.stream, created.id, pieceSeconds(state), setPieces,
          { firstIndex: created.nextPiece ?? 0, headers: { [TAB_HEADER]: tab.id } });
        composer.current = made;
        recorder.current = lesson;
        lesson.start();
        setPhase('recording');
        setTakenOver(false);
        setResumedAt(created.resumed ? (created.nextPiece ?? 0) + 1 : null);
      } else {
        await lessonRecordingApi.start(session.id, title, tab.id);
        setPhase('idle');
      }
    } catch (e) {
      made?.stop();
      setError(e);
      setPhase('idle');
    }
    void refresh();
  }, [state, media, session.id, session.title, t, i18n.language, refresh, tab.id]);

  // The lesson ended: the recording this browser makes stops with it (LiveKit's stops with the room). Broadcast mode
  // turned on: what was recorded so far is published, and the broadcast records the rest (one encoder, not two).
  useEffect(() => {
    if ((model.status === 'ended' || (broadcasting && state?.mode === 'browser')) && recorder.current && phase === 'recording') void stop();
  }, [model.status, broadcasting, state?.mode, phase, stop]);

  // Only the teacher's tab that acts for them records. One that stops acting lets go of its recording.
  const acting = tab.acting === true;
  useEffect(() => {
    if (acting || !recorder.current) return;
    letGo();
    setTakenOver(true);
  }, [acting, letGo]);
  // A piece refused because another tab records now: this one lets go too.
  useEffect(() => {
    if (pieces?.failed && recorder.current && phase === 'recording') {
      letGo();
      setTakenOver(true);
      void refresh();
    }
  }, [pieces?.failed, phase, letGo, refresh]);

  const mineNow = state?.now && state.now.ownerId === model.me.userId;
  // The recording in progress is this teacher's and no recorder runs here: the acting tab (a reloaded or reopened
  // page, or one that took over) goes on with it, whatever started it.
  useEffect(() => {
    if (!teacher || !live || !acting || !mineNow || state?.mode !== 'browser' || broadcasting || phase !== 'idle' || recorder.current) return;
    if (!media?.local || error !== null) return;
    void start();
  }, [teacher, live, acting, mineNow, state?.mode, broadcasting, phase, media?.local, start, error]);

  // Recorded from the start, when the session says so: the presenting teacher's acting tab starts it once per run
  // (not again after it was stopped in this run: a reload does not restart what the teacher stopped).
  useEffect(() => {
    if (!teacher || !live || !acting || !state?.recordAutomatically || state.now || phase !== 'idle' || !model.runId) return;
    if (broadcasting && state.mode === 'browser') return;
    if (model.presenterId !== model.me.userId || autoStartedFor.current === model.runId) return;
    if (state.recordings.some((r) => r.runId === model.runId)) return;
    if (state.mode === 'browser' && !media?.local) return;
    autoStartedFor.current = model.runId;
    void start();
  }, [teacher, live, acting, state, broadcasting, phase, model.runId, model.presenterId, model.me.userId, media?.local, start]);

  // Leaving the page while the last pieces are still being sent would lose them: the browser asks first. (While
  // recording it does not ask: the recording goes on when the teacher comes back, in this tab or another.)
  useEffect(() => {
    if (phase !== 'stopping' && phase !== 'uploading') return;
    const warn = (e: BeforeUnloadEvent) => { e.preventDefault(); };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [phase]);
  useEffect(() => () => {
    // The room is left (another page of the app): what is recorded so far is sent; the recording stays the session's,
    // going on when the teacher comes back, or ended by the server with what arrived.
    if (recorder.current) void recorder.current.stopRecording().catch(() => {});
    composer.current?.stop();
  }, [session.id]);

  // "Recording" only while pieces arrive (the server says so), never after the lesson ended.
  const receiving = live && !!state?.now?.receiving && !(phase === 'recording' && pieces?.failed);
  const interrupted = live && !!state?.now && !state.now.receiving;
  const someoneElse = state?.now && state.now.ownerId !== model.me.userId && state.mode === 'browser';
  const thisRun = (state?.recordings ?? []).filter((r) => r.runId === model.runId && r.status !== 'recording');
  const canStop = phase === 'recording' || (state?.now && !someoneElse && (state.mode !== 'browser' || acting));

  return (
    <div className="live-recording" data-testid="classroom-recording">
      {receiving && (
        <p className="badge live-recording-on" role="status" data-testid="recording-indicator">
          <span className="recording-dot" aria-hidden="true">●</span> {t('recording.on')}
        </p>
      )}
      {teacher && interrupted && (
        <p className="alert alert-error small" role="alert" data-testid="recording-interrupted">
          {state?.now?.lastPieceAt
            ? t('recording.interrupted', { time: formatTime(state.now.lastPieceAt, i18n.language) })
            : t('recording.interruptedNothing')}
        </p>
      )}
      {teacher && phase === 'recording' && resumedAt !== null && (
        <p className="muted small" role="status" data-testid="recording-resumed" data-from={resumedAt}>{t('recording.resumed', { part: resumedAt })}</p>
      )}
      {teacher && takenOver && phase === 'idle' && (
        <p className="muted small" role="status" data-testid="recording-taken-over">{t('recording.takenOver')}</p>
      )}
      {teacher && state?.canRecord && (
        <div className="live-recording-controls">
          {live && broadcasting && state.mode === 'browser' && !canStop ? (
            <span className="muted small" role="status" data-testid="recording-by-broadcast">{t('recording.byBroadcast')}</span>
          ) : live && (canStop ? (
            <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => void stop()} data-testid="recording-stop">
              ⏹ {t('recording.stop')}</button>
          ) : (
            <button type="button" className="btn btn-small" onClick={() => void start()}
                    disabled={phase !== 'idle' || !!someoneElse || (state.mode === 'browser' && !acting)}
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
      {/* After the end the room shows the session's records (SessionRecordings), these among them. */}
      {teacher && thisRun.length > 0 && model.status !== 'ended' && <RecordingList recordings={thisRun} teacher />}
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
  const [loads, setLoads] = useState(0);
  // A broadcast becomes a recording only once the teacher's tab has sent its end, a moment after the room ended: with
  // nothing listed yet, the room looks again for a while (ten looks, 30 s) before it takes "no recording" as the answer.
  const settled = state === null ? false : state.recordings.length === 0 ? loads >= 10
    : state.recordings.every((r) => r.status === 'published' || r.status === 'failed');
  useEffect(() => {
    let stop = false;
    const load = () => lessonRecordingApi.state(sessionId).then((s) => { if (!stop) { setState(s); setLoads((n) => n + 1); } }, () => undefined);
    void load();
    // A recording just stopped is still being sent and packaged: follow it until it is published (or failed).
    const timer = settled ? undefined : window.setInterval(load, 3000);
    return () => { stop = true; if (timer) window.clearInterval(timer); };
  }, [sessionId, settled]);
  if (!state || state.recordings.length === 0) return null;
  return (
    <section aria-label={t('recording.list')} data-testid="session-recordings">
      <h3>{t('recording.list')}</h3>
      <RecordingList recordings={state.recordings} teacher={state.canRecord} />
    </section>
  );
}
