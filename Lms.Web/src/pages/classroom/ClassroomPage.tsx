// A live lesson's page: joins the room (room.ts), keeps its model, wires the media (peer to peer or LiveKit)
// and lays out the stage, the student's bar, the poll, the live quiz and the side panels.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ArrowLeft, Megaphone } from 'lucide-react';
import { classroomApi, type LiveSession } from '../../api/classroom';
import { useMe } from '../../auth/AuthContext';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatTime } from '../../format';
import { Room, RoomError, type Connection, type Entry, type Reaction, type RoomModel, type Run, type SignalMessage } from './room';
import { StudentMedia, TeacherMedia, connectionLooksPoor, type StudentStreams } from './peer';
import { AttendancePanel } from './AttendancePanel';
import { MyBreakout } from './BreakoutForm';
import { BroadcastPanel, peerToPeerFor, useBroadcastState } from './broadcast';
import { ClassroomRecording, SessionRecordings, TabNotice } from './ClassroomRecording';
import { LiveQuiz } from './LiveQuiz';
import { PollCard } from './PollCard';
import { SidePanels } from './SidePanels';
import { ConnectionBanner, Reactions, Stage, StatusChip } from './Stage';
import { StudentBar } from './StudentBar';
import { useTeacherTab } from './teacherTab';
import { useIce } from './useIce';
import type { CameraSignals } from './cameraGridView';
import type { LiveKitHandle } from './livekit';
import './classroom.css';

// The camera grid (a teacher's) and a student's camera answer come with their first use, not with the room.
const CameraGrid = lazy(() => import('./cameraGridView').then((m) => ({ default: m.CameraGrid })));
const MyCamera = lazy(() => import('./cameraGridView').then((m) => ({ default: m.MyCamera })));

export function ClassroomPage() {
  const { sessionId = '' } = useParams();
  const { t } = useTranslation();
  const { data: session, error } = useLoad(() => classroomApi.session(sessionId), [sessionId]);
  useTitle(session?.title ?? t('live.title'));
  if (!session) return <div className="page">{error ? <ErrorMessage error={error} /> : <Loading />}</div>;
  return <LiveRoom session={session} />;
}

function LiveRoom({ session }: { session: LiveSession }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const teacher = session.myRole === 'teacher';
  const [model, setModel] = useState<RoomModel | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [entry, setEntry] = useState<Entry | null>(null);
  const [reactions, setReactions] = useState<Reaction[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const room = useRef<Room | null>(null);
  const teacherMedia = useRef<TeacherMedia | null>(null);
  const studentMedia = useRef<StudentMedia | null>(null);
  const [streams, setStreams] = useState<StudentStreams | null>(null);
  const [floorStream, setFloorStream] = useState<MediaStream | null>(null);
  const [localStream, setLocalStream] = useState<MediaStream | null>(null);
  const [peerState, setPeerState] = useState<string>('idle');
  const [poorLink, setPoorLink] = useState(connectionLooksPoor());
  const [peers, setPeers] = useState(0);
  // Only the teacher's tab that acts for them answers the students (another tab of theirs stays quiet).
  const acting = useRef(false);
  // The students' camera thumbnails have their own connections and signals (cam-…): see cameraGridView.tsx.
  const cameraSignals = useRef<CameraSignals | null>(null);
  const onCameraSignals = useCallback((handler: CameraSignals | null) => { cameraSignals.current = handler; }, []);
  const cameraIce = useCallback(() => (teacher ? teacherMedia.current : studentMedia.current)?.iceConfig
    ?? Promise.resolve<RTCConfiguration>({ iceServers: [] }), [teacher]);
  // Broadcast mode: peer to peer only with the student holding the floor.
  const broadcast = useBroadcastState(session.id, model);
  const p2pWith = useRef<(userId: string) => boolean>(() => true);
  p2pWith.current = (userId) => peerToPeerFor(broadcast.state, teacher, model, userId);

  const signal = useCallback((s: SignalMessage) => {
    const payload = s.payload;
    if (s.kind.startsWith('cam-')) {
      cameraSignals.current?.(s);
      return;
    }
    if (teacher) {
      const media = teacherMedia.current;
      if (!media || !acting.current) return;
      // A student with a fresh TURN credential asks for an ICE restart on the connection they have (a new one otherwise).
      if (s.kind === 'hello' && wantsRestart(payload) && media.connectedTo(s.from)) void media.restartIce(s.from);
      else if (s.kind === 'hello') { if (p2pWith.current(s.from)) void media.hello(s.from, safeMode(payload)); }
      else if (s.kind === 'answer') void media.answer(s.from, payload);
      else if (s.kind === 'ice') void media.ice(s.from, payload);
      else if (s.kind === 'bye') media.close(s.from);
    } else {
      const media = studentMedia.current;
      if (!media) return;
      if (s.kind === 'offer') void media.offer(s.from, payload);
      else if (s.kind === 'ice') void media.ice(payload);
    }
  }, [teacher]);

  useEffect(() => {
    const r = new Room(session.id, {
      model: setModel,
      connection: setConnection,
      entry: setEntry,
      reaction: (x) => {
        setReactions((list) => [...list.slice(-11), x]);
        window.setTimeout(() => setReactions((list) => list.filter((y) => y.key !== x.key)), 4000);
      },
      signal,
    });
    room.current = r;
    const send = (to: string, kind: string, payload: unknown) => r.signal(to, kind, payload);
    if (session.mediaProvider === 'p2p') {
      if (teacher) {
        const m = new TeacherMedia(send);
        m.onFloorStream = setFloorStream;
        m.onPeers = setPeers;
        teacherMedia.current = m;
      } else {
        const m = new StudentMedia(send);
        m.onStreams = setStreams;
        m.onState = setPeerState;
        m.onQuality = (poor) => setPoorLink((was) => was || poor);
        studentMedia.current = m;
      }
    }
    r.start().catch(() => setConnection('disconnected'));
    return () => {
      void r.stop();
      teacherMedia.current?.stop();
      studentMedia.current?.close();
    };
  }, [session.id, session.mediaProvider, teacher, signal]);

  const live = model?.status === 'live';
  const joined = entry?.status === 'joined';
  const tab = useTeacherTab(room.current, me.id, teacher, entry, connection);
  acting.current = tab.acting === true;
  // Before the camera starts: the connections it opens wait for these ICE servers.
  const turn = useIce(session.id, session.mediaProvider === 'p2p' && live && joined,
    () => (teacher ? teacherMedia.current : studentMedia.current));

  // The teacher's camera and microphone start with the lesson, in the tab that acts for them; a tab that stops
  // acting (another one took over) lets go of the students. The one that starts offers to every student in the
  // room at once (they were connected to the other tab, or to this page before a reload).
  const presenting = teacher && live && tab.acting === true && model?.presenterId === me.id;
  useEffect(() => {
    if (!teacher || !live || !teacherMedia.current || session.mediaProvider !== 'p2p') return;
    const media = teacherMedia.current;
    if (tab.acting !== true) {
      media.stop();
      setLocalStream(null);
      return;
    }
    media.startCamera().then((stream) => {
      setLocalStream(stream);
      if (!presenting) return;
      for (const p of model?.participants ?? []) if (p.role === 'student' && p.online && p2pWith.current(p.userId)) void media.hello(p.userId, p.media);
    }).catch(() => setFailure('camera'));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [teacher, live, session.mediaProvider, tab.acting, presenting]);

  // At the end the camera and the connections stop (the room stays open for the records).
  useEffect(() => {
    if (model?.status !== 'ended') return;
    teacherMedia.current?.stop();
    studentMedia.current?.close();
    setLocalStream(null);
    setStreams(null);
  }, [model?.status]);

  // A student asks the presenter for media once in the room, and again whenever the link is lost.
  const presenter = model?.presenterId ?? null;
  const myMedia = model?.me.media ?? 'full';
  useEffect(() => {
    const m = studentMedia.current;
    if (teacher || !m || !live || !joined || !presenter || connection !== 'connected') return;
    if (!p2pWith.current(me.id)) return;
    if (m.state === 'connected' || m.state === 'connecting') return;
    m.hello(presenter, myMedia);
    const retry = window.setInterval(() => {
      if (m.state !== 'connected' && m.state !== 'connecting') m.hello(presenter, myMedia);
    }, 8000);
    return () => window.clearInterval(retry);
  }, [teacher, live, joined, presenter, connection, peerState, myMedia, broadcast.state?.on, model?.me.floor]);

  // Broadcast mode on (or the floor moved on): the teacher lets go of every connection but the floor holder's.
  useEffect(() => {
    const m = teacherMedia.current;
    if (!teacher || !m || !broadcast.state?.on) return;
    for (const p of model?.participants ?? []) if (p.role === 'student' && !p2pWith.current(p.userId)) m.close(p.userId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [teacher, broadcast.state?.on, model?.floor?.userId]);

  // Room-level media rules on the teacher's side.
  useEffect(() => { if (model) teacherMedia.current?.setMediaMode(model.settings.mediaMode); }, [model?.settings.mediaMode]);
  useEffect(() => { teacherMedia.current?.setFloor(model?.floor?.userId ?? null); }, [model?.floor?.userId]);
  const participantModes = useMemo(() => (model?.participants ?? []).map((p) => `${p.userId}:${p.media}`).join(','), [model?.participants]);
  useEffect(() => {
    for (const p of model?.participants ?? []) teacherMedia.current?.setStudentMode(p.userId, p.media);
  }, [participantModes]);

  // The floor, on the student's side.
  const myFloor = model?.me.floor ?? false;
  const allowVideo = model?.floor?.allowVideo ?? false;
  const [mine, setMine] = useState<MediaStream | null>(null);
  useEffect(() => {
    const m = studentMedia.current;
    if (!m) return;
    if (myFloor) m.takeFloor(allowVideo).then(setMine).catch(() => setFailure('microphone'));
    else { void m.leaveFloor(); setMine(null); }
  }, [myFloor, allowVideo]);
  useEffect(() => { if (model?.muted) studentMedia.current?.muteMine(); }, [model?.muted]);

  // LiveKit mode: join the SFU with a token from our server (its grants follow the room's roles).
  const liveKit = useRef<LiveKitHandle | null>(null);
  useEffect(() => {
    if (session.mediaProvider !== 'livekit' || !live || !joined) return;
    let cancelled = false;
    void (async () => {
      try {
        const join = await classroomApi.media(session.id);
        const { joinLiveKit } = await import('./livekit');
        const handle = await joinLiveKit(join, teacher, (camera, screen) =>
          setStreams({ teacher: camera, screen, floor: new MediaStream() }), () => classroomApi.media(session.id));
        if (cancelled) await handle.leave(); else liveKit.current = handle;
      } catch {
        setFailure('camera');
      }
    })();
    return () => {
      cancelled = true;
      void liveKit.current?.leave();
      liveKit.current = null;
    };
  }, [session.mediaProvider, session.id, live, joined, teacher]);
  useEffect(() => {
    if (session.mediaProvider === 'livekit' && !teacher) void liveKit.current?.setMic(myFloor).catch(() => {});
  }, [session.mediaProvider, teacher, myFloor]);

  const run: Run = useCallback(async (command) => {
    setFailure(null);
    try {
      if (room.current) await command(room.current);
      return true;
    } catch (e) {
      setFailure(e instanceof RoomError ? e.code : 'network');
      return false;
    }
  }, []);

  return (
    <div className={teacher ? 'live-page live-teacher' : 'live-page'} data-testid="live-room">
      <header className="live-head">
        <Link to={`/courses/${session.courseId}`} className="live-back" aria-label={t('live.backToCourse')}><ArrowLeft aria-hidden="true" /></Link>
        <div className="live-title">
          <h1>{session.title}</h1>
          <p className="muted small">{session.courseTitle}</p>
        </div>
        <StatusChip model={model} connection={connection} />
      </header>

      <ConnectionBanner connection={connection} />
      {failure && <p className="alert alert-error" role="alert" data-testid="live-error">{t(`live.error.${failure}`, { defaultValue: t('live.error.unknown') })}</p>}

      {entry?.status === 'refused' ? (
        <div className="card live-note" data-testid="live-refused">{t(`live.refused.${entry.reason}`, { defaultValue: t('live.refused.other') })}</div>
      ) : !model ? (
        <Loading label={t('live.joining')} />
      ) : entry?.status === 'waiting' ? (
        <div className="card live-note" data-testid="live-waiting" role="status">
          <p>{t(`live.waiting.${entry.reason}`, { defaultValue: t('live.waiting.not-started') })}</p>
          {entry.reason === 'next-run' && (
            <button type="button" className="btn btn-primary" data-testid="live-join-next" onClick={() => void room.current?.join(true)}>
              {t('live.joinNext')}
            </button>
          )}
          {session.next && <p className="muted">{t('live.scheduled', { time: formatTime(session.next.startsAt, i18n.language) })}</p>}
        </div>
      ) : (
        <div className="live-layout">
          <section className="live-main" aria-label={t('live.stage')}>
            <Stage teacher={teacher} model={model} streams={streams} local={localStream} floor={floorStream} mine={mine}
                   peerState={peerState} peers={peers} provider={session.mediaProvider} turn={turn} />
            {teacher && live && <TabNotice tab={tab} />}
            {teacher && live && session.mediaProvider === 'p2p' && (
              <Suspense fallback={null}>
                <CameraGrid room={room.current} run={run} acting={tab.acting === true} connected={connection === 'connected'} ice={cameraIce}
                            students={model.participants.filter((p) => p.role === 'student' && p.online)} onSignals={onCameraSignals} />
              </Suspense>
            )}
            <ClassroomRecording session={session} model={model} teacher={teacher} room={room.current} media={teacherMedia.current} tab={tab}
                                broadcasting={broadcast.state?.on ?? false} />
            {session.mediaProvider === 'p2p' && (
              <BroadcastPanel session={session} model={model} teacher={teacher} media={teacherMedia.current} tab={tab}
                              state={broadcast.state} setState={broadcast.setState} run={run} />
            )}
            <Reactions list={reactions} />
            <MyBreakout model={model} />
            {model.lastBreakoutMessage && (
              <p className="alert alert-info" role="status" data-testid="breakout-message">
                <Megaphone aria-hidden="true" className="icon-inline" /> {model.lastBreakoutMessage.from}: {model.lastBreakoutMessage.text}
              </p>
            )}
            {!teacher && live && (
              <StudentBar model={model} run={run} poorLink={poorLink} onDismissPoor={() => setPoorLink(false)} />
            )}
            {!teacher && live && session.mediaProvider === 'p2p' && (
              <Suspense fallback={null}>
                <MyCamera room={room.current} run={run} me={me.id} presenterId={presenter} connected={connection === 'connected'} ice={cameraIce}
                          onSignals={onCameraSignals} />
              </Suspense>
            )}
            {model.poll && <PollCard poll={model.poll} teacher={teacher} run={run} />}
            <LiveQuiz room={room.current} sessionId={session.id} model={model} connection={connection} />
            {model.status === 'ended' && (
              <div className="card live-note" role="status" data-testid="live-ended">
                <p>{t('live.ended')}</p>
                <h2 className="live-records-title">{t('live.records')}</h2>
                {teacher && model.runId && <AttendancePanel sessionId={session.id} runId={model.runId} />}
                <SessionRecordings sessionId={session.id} />
              </div>
            )}
          </section>
          <aside className="live-side">
            <SidePanels session={session} model={model} teacher={teacher} run={run} meId={me.id}
                        teacherMedia={teacherMedia.current} onLocal={setLocalStream} />
          </aside>
        </div>
      )}
    </div>
  );
}

function wantsRestart(payload: string): boolean {
  try {
    return JSON.parse(payload)?.restart === true;
  } catch {
    return false;
  }
}

function safeMode(payload: string): string {
  try {
    const mode = JSON.parse(payload)?.mode;
    return mode === 'low' || mode === 'audio' ? mode : 'full';
  } catch {
    return 'full';
  }
}
