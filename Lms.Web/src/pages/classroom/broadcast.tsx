// Broadcast mode in the room. The teacher's acting tab encodes the lesson once (LessonComposer, the recording's
// mix of camera, screen and the room's sound) and sends it in pieces of a second or two (LessonRecorder, the
// recording's uploader); each piece becomes one HLS segment on the server. Students play the broadcast with
// hls.js, loaded only here (a dynamic import), a few seconds behind, and can ask for the sound alone; a weak
// link chooses it for them. Polls, chat, hands and the floor stay on the classroom hub.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type Hls from 'hls.js';
import type { LiveSession } from '../../api/classroom';
import { ErrorMessage } from '../../components/common';
import { formatDateTime } from '../../format';
import { LessonRecorder, type RecorderState } from '../content/recorder';
import { broadcastApi, type BroadcastState } from './broadcastApi';
import { LessonComposer } from './lessonComposer';
import type { TeacherMedia } from './peer';
import type { MyMedia, RoomModel, Run } from './room';
import type { TeacherTab } from './teacherTab';

/** VP9 (or H.264) with Opus: codecs the server copies into HLS without encoding them again. */
const COPYABLE = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=h264,opus', 'video/mp4;codecs=avc1,opus'];

/**
 * The broadcast state: on entering, when the lesson starts or ends, and when the room says the mode changed or the run's
 * first segment arrived (the room's `broadcast.mode` event, also in its snapshot): no asking again and again.
 */
export function useBroadcastState(sessionId: string, model: RoomModel | null) {
  const [state, setState] = useState<BroadcastState | null>(null);
  const refresh = useCallback(() => broadcastApi.state(sessionId).then(setState, () => undefined), [sessionId]);
  const mode = model?.broadcast;
  useEffect(() => { void refresh(); }, [refresh, model?.status, model?.runId, mode?.on, mode?.chosen, mode?.students, mode?.liveRunId]);
  return { state, refresh, setState };
}

/**
 * In broadcast mode the peer-to-peer connections are only for the student holding the floor (their voice reaches the
 * teacher, and the teacher's mix carries it to everyone): a student says hello to the teacher only with the floor, and
 * the teacher answers only that student.
 */
export function peerToPeerFor(state: BroadcastState | null, teacher: boolean, model: RoomModel | null, userId: string): boolean {
  if (!state?.on) return true;
  if (teacher) return model?.floor?.userId === userId;
  return model?.me.floor === true;
}

export function BroadcastPanel({ session, model, teacher, media, tab, state, setState, run }: {
  session: LiveSession; model: RoomModel; teacher: boolean; media: TeacherMedia | null; tab: TeacherTab;
  state: BroadcastState | null; setState: (s: BroadcastState) => void; run: Run;
}) {
  if (!state) return null;
  // Closed by the teacher's end, or by the server when the teacher's pieces stopped (a closed tab, a phone that died).
  const ended = state.ended || (!!model.runId && model.broadcast?.endedRunId === model.runId);
  return teacher
    ? <BroadcastSender session={session} model={model} media={media} tab={tab} state={state} onState={setState} />
    : <BroadcastPlayer state={state} live={model.status === 'live'} media={model.me.media as MyMedia} ended={ended}
                       choose={(m) => void run((r) => r.setMyMedia(m))} />;
}

function BroadcastSender({ session, model, media, tab, state, onState }: {
  session: LiveSession; model: RoomModel; media: TeacherMedia | null; tab: TeacherTab; state: BroadcastState;
  onState: (s: BroadcastState) => void;
}) {
  const { t, i18n } = useTranslation();
  const [pieces, setPieces] = useState<RecorderState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = model.status === 'live';
  const sending = live && state.on && tab.acting === true && !!media?.local;
  const segmentsAtStart = useRef(0);
  const mixing = useRef<LessonComposer | null>(null);
  segmentsAtStart.current = state.segments;
  // The broadcast becomes the lesson's recording in the library, titled as a browser recording would be.
  const recordingTitle = useRef('');
  recordingTitle.current = t('recording.defaultTitle', {
    title: session.title.slice(0, 150), date: formatDateTime(model.startedAt ?? new Date().toISOString(), i18n.language),
  }).slice(0, 200);

  useEffect(() => {
    if (!sending || !media?.local) return;
    const composer = new LessonComposer({ camera: () => media.local, screen: () => media.screen, remoteAudio: () => media.remoteAudio() });
    mixing.current = composer;
    const recorder = new LessonRecorder(composer.stream, session.id, state.pieceSeconds, setPieces, {
      // Numbered on from what the server holds (a reloaded tab goes on after the last piece taken).
      firstIndex: segmentsAtStart.current,
      pieceUrl: (index) => broadcastApi.pieceUrl(session.id, index),
      mimeTypes: COPYABLE,
    });
    recorder.start();
    return () => {
      // The lesson ended (or this tab stopped acting): the last piece is sent, then the run's playlists are closed.
      void recorder.stopRecording().then(() => recorder.uploaded()).catch(() => undefined)
        .then(() => broadcastApi.end(session.id, recordingTitle.current)).catch(() => undefined);
      composer.stop();
      mixing.current = null;
    };
    // The pieces' length and the run come with the lesson; a new run starts a new broadcast.
  }, [sending, media, session.id, state.pieceSeconds, model.runId]);

  const choice = state.chosen === null || state.chosen === undefined ? 'auto' : state.chosen ? 'on' : 'off';
  return (
    <fieldset className="live-group" data-testid="broadcast-control">
      <legend>{t('broadcast.title')}</legend>
      <label className="field">
        <span>{t('broadcast.mode')}</span>
        <select value={choice} data-testid="broadcast-mode" onChange={(e) => {
          const v = e.target.value;
          broadcastApi.choose(session.id, v === 'auto' ? null : v === 'on').then(onState, setError);
        }}>
          <option value="auto">{t('broadcast.modeAuto', { count: state.aboveStudents })}</option>
          <option value="on">{t('broadcast.modeOn')}</option>
          <option value="off">{t('broadcast.modeOff')}</option>
        </select>
      </label>
      <p className="muted small" data-testid="broadcast-state" data-on={state.on}>
        {t('broadcast.state', { students: state.students, mode: t(state.on ? 'broadcast.stateOn' : 'broadcast.stateOff') })}</p>
      {sending && pieces && (
        <p className="muted small" role="status" data-testid="broadcast-pieces" data-mixed={mixing.current?.mixedTracks.length ?? 0}>
          {t('broadcast.sending', { sent: pieces.uploadedPieces, recorded: pieces.recordedPieces })}</p>
      )}
      {state.reencoded.length > 0 && <p className="muted small">{t('broadcast.reencoded', { what: state.reencoded.join(', ') })}</p>}
      {error !== null && <ErrorMessage error={error} />}
    </fieldset>
  );
}

/** A link too weak for the full picture: the browser says so (Network Information API), where it can. */
function weakLink(): boolean {
  const connection = (navigator as Navigator & { connection?: { effectiveType?: string; saveData?: boolean } }).connection;
  return !!connection && (connection.saveData === true || ['slow-2g', '2g', '3g'].includes(connection.effectiveType ?? ''));
}

/** The next lighter choice: full picture, then the low picture (when the server makes one), then the sound alone. */
function lighterThan(media: MyMedia, hasLow: boolean): MyMedia | null {
  if (media === 'full') return hasLow ? 'low' : 'audio';
  return media === 'low' ? 'audio' : null;
}

/**
 * The student's player follows the student's own choice of media (the room's full / low / audio select, the same one that
 * drives peer-to-peer media): full plays the master playlist, where hls.js's ABR moves between the full and the low
 * picture with the link; low plays the low picture only; audio the sound alone. A weak link (said by the browser, or the
 * picture stalling three times) moves the choice one step lighter, and says so.
 */
function BroadcastPlayer({ state, live, media, ended, choose }: {
  state: BroadcastState; live: boolean; media: MyMedia; ended: boolean; choose: (media: MyMedia) => void;
}) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [lightened, setLightened] = useState(false);
  const [behind, setBehind] = useState<number | null>(null);
  const hasLow = !!state.lowUrl;
  const ready = live && state.on && !!state.masterUrl && state.segments > 0;
  const url = media === 'audio' ? state.audioUrl : media === 'low' ? (state.lowUrl ?? state.audioUrl) : state.masterUrl;
  const lighten = useRef<() => void>(() => undefined);
  lighten.current = () => {
    const next = lighterThan(media, hasLow);
    if (next) { setLightened(true); choose(next); }
  };

  useEffect(() => {
    if (ready && media === 'full' && weakLink()) lighten.current();
    // Once, when the broadcast starts: afterwards the student's own choice stands.
  }, [ready]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const element = video.current;
    if (!ready || !url || !element) return;
    let hls: Hls | null = null;
    let stalls = 0;
    let stopped = false;
    void import('hls.js').then(({ default: HlsClass }) => {
      if (stopped) return;
      if (!HlsClass.isSupported()) {
        element.src = url; // Safari plays HLS itself.
        return;
      }
      hls = new HlsClass({ lowLatencyMode: true, liveSyncDurationCount: 2, liveMaxLatencyDurationCount: 5, backBufferLength: 10 });
      // Stalling again and again: one step lighter (the student can choose the full picture again).
      hls.on(HlsClass.Events.ERROR, (_e, data) => {
        if (data.details === HlsClass.ErrorDetails.BUFFER_STALLED_ERROR && ++stalls >= 3) { stalls = 0; lighten.current(); }
      });
      hls.loadSource(url);
      hls.attachMedia(element);
      element.play().catch(() => { element.muted = true; void element.play().catch(() => undefined); });
      (window as Window & { lmsBroadcast?: Hls }).lmsBroadcast = hls;
    });
    const timer = window.setInterval(() => {
      const date = hls?.playingDate;
      if (date) setBehind(Math.max(0, Math.round((Date.now() - date.getTime()) / 100) / 10));
    }, 1000);
    return () => { stopped = true; window.clearInterval(timer); hls?.destroy(); };
  }, [ready, url]);

  if (!live || !state.on) return null;
  const audioOnly = media === 'audio';
  return (
    <section className="live-broadcast" aria-label={t('broadcast.player')} data-testid="broadcast-player" data-media={media} data-ended={ended}>
      {!ready && !ended && <p className="muted small" role="status">{t('broadcast.waiting')}</p>}
      {ended && <p className="alert alert-info small" role="status" data-testid="broadcast-ended">{t('live.broadcastEnded')}</p>}
      <video ref={video} className={audioOnly ? 'live-video live-audio-only' : 'live-video'} playsInline autoPlay
             aria-label={t('broadcast.player')} data-testid="broadcast-video" />
      {lightened && media !== 'full' && (
        <p className="muted small" role="status" data-testid="broadcast-lighter">{t('live.broadcastLighter', { mode: t(media === 'low' ? 'live.mediaLow' : 'live.mediaAudio') })}</p>
      )}
      {behind !== null && <p className="muted small" data-testid="broadcast-behind">{t('broadcast.behind', { seconds: behind })}</p>}
    </section>
  );
}
