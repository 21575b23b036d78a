import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { classroomApi, type LiveSession } from '../../api/classroom';
import { useMe } from '../../auth/AuthContext';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatTime } from '../../format';
import { Room, RoomError, type Connection, type Entry, type Reaction, type RoomModel, type SignalMessage } from './room';
import { StudentMedia, TeacherMedia, connectionLooksPoor, hasLiveVideo, type StudentStreams } from './peer';
import { AttendancePanel } from './AttendancePanel';
import { BreakoutForm, MyBreakout } from './BreakoutForm';
import { ClassroomRecording } from './ClassroomRecording';
import { LiveQuiz } from './LiveQuiz';
import { TabNotice } from './ClassroomRecording';
import { useTeacherTab } from './teacherTab';
import type { LiveKitHandle } from './livekit';
import './classroom.css';

const EMOJIS = ['👍', '❤️', '😂', '😮', '👏', '🎉', '❓'];

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

  const signal = useCallback((s: SignalMessage) => {
    const payload = s.payload;
    if (teacher) {
      const media = teacherMedia.current;
      if (!media || !acting.current) return;
      if (s.kind === 'hello') void media.hello(s.from, safeMode(payload));
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
  const tab = useTeacherTab(room.current, session.id, me.id, teacher, entry, connection);
  acting.current = tab.acting === true;

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
      for (const p of model?.participants ?? []) if (p.role === 'student' && p.online) void media.hello(p.userId, p.media);
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
    if (m.state === 'connected' || m.state === 'connecting') return;
    m.hello(presenter, myMedia);
    const retry = window.setInterval(() => {
      if (m.state !== 'connected' && m.state !== 'connecting') m.hello(presenter, myMedia);
    }, 8000);
    return () => window.clearInterval(retry);
  }, [teacher, live, joined, presenter, connection, peerState, myMedia]);

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
          setStreams({ teacher: camera, screen, floor: new MediaStream() }));
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

  const run = useCallback(async (method: string, ...args: unknown[]) => {
    setFailure(null);
    try {
      await room.current?.command(method, ...args);
      return true;
    } catch (e) {
      setFailure(e instanceof RoomError ? e.code : 'network');
      return false;
    }
  }, []);

  return (
    <div className={teacher ? 'live-page live-teacher' : 'live-page'} data-testid="live-room">
      <header className="live-head">
        <Link to={`/courses/${session.courseId}`} className="live-back" aria-label={t('live.backToCourse')}>←</Link>
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
                   peerState={peerState} peers={peers} provider={session.mediaProvider} />
            {teacher && live && <TabNotice tab={tab} />}
            <ClassroomRecording session={session} model={model} teacher={teacher} room={room.current} media={teacherMedia.current} tab={tab} />
            <Reactions list={reactions} />
            <MyBreakout model={model} />
            {model.lastBreakoutMessage && (
              <p className="alert alert-info" role="status" data-testid="breakout-message">
                📣 {model.lastBreakoutMessage.from}: {model.lastBreakoutMessage.text}
              </p>
            )}
            {!teacher && live && (
              <StudentBar model={model} run={run} poorLink={poorLink} onDismissPoor={() => setPoorLink(false)} />
            )}
            {model.poll && <PollCard poll={model.poll} teacher={teacher} run={run} />}
            <LiveQuiz room={room.current} sessionId={session.id} model={model} connection={connection} />
            {model.status === 'ended' && (
              <div className="card live-note" role="status" data-testid="live-ended">
                <p>{t('live.ended')}</p>
                {teacher && model.runId && <AttendancePanel sessionId={session.id} runId={model.runId} />}
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

function safeMode(payload: string): string {
  try {
    const mode = JSON.parse(payload)?.mode;
    return mode === 'low' || mode === 'audio' ? mode : 'full';
  } catch {
    return 'full';
  }
}

function StatusChip({ model, connection }: { model: RoomModel | null; connection: Connection }) {
  const { t } = useTranslation();
  const status = model?.status ?? 'scheduled';
  return (
    <div className="live-chips">
      <span className={`badge live-badge live-${status}`} data-testid="live-status">{t(`live.status.${status}`)}</span>
      {model && <span className="badge" title={t('live.inRoom')} data-testid="live-count">👥 {model.count}</span>}
      <span className="visually-hidden">{t(`live.connection.${connection}`)}</span>
    </div>
  );
}

/** Reconnecting is shown, never silent. */
function ConnectionBanner({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  if (connection === 'connected') return null;
  return (
    <p className={`live-connection live-connection-${connection}`} role="status" aria-live="polite" data-testid="connection-status">
      <span className="spinner" aria-hidden="true" /> {t(`live.connection.${connection}`)}
    </p>
  );
}

function Video({ stream, muted, label, testId, className }: { stream: MediaStream | null; muted?: boolean; label: string; testId?: string; className?: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLVideoElement>(null);
  // Browsers refuse to start sound without a tap: then the video plays silently and a button offers the sound.
  const [needsTap, setNeedsTap] = useState(false);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    if (video.srcObject !== stream) video.srcObject = stream;
    if (!stream) return;
    video.play().catch(() => {
      if (muted) return;
      video.muted = true;
      setNeedsTap(true);
      video.play().catch(() => {});
    });
  }, [stream, stream?.getTracks().length, muted]);
  return (
    <div className="live-video-wrap">
      <video ref={ref} className={className ?? 'live-video'} autoPlay playsInline muted={muted} aria-label={label} data-testid={testId} />
      {needsTap && (
        <button type="button" className="btn btn-small live-unmute" onClick={() => {
          const video = ref.current;
          if (!video) return;
          video.muted = false;
          video.play().then(() => setNeedsTap(false)).catch(() => { video.muted = true; });
        }}>🔊 {t('live.tapForSound')}</button>
      )}
    </div>
  );
}

function Stage({ teacher, model, streams, local, floor, mine, peerState, peers, provider }: {
  teacher: boolean; model: RoomModel; streams: StudentStreams | null; local: MediaStream | null; floor: MediaStream | null;
  mine: MediaStream | null; peerState: string; peers: number; provider: string;
}) {
  const { t } = useTranslation();
  const hasScreen = hasLiveVideo(streams?.screen);
  const audioOnly = model.settings.mediaMode !== 'video' || model.me.media === 'audio';
  return (
    <div className="live-stage">
      {teacher ? (
        <>
          <Video stream={local} muted label={t('live.myCamera')} testId="local-video" />
          <p className="muted small" data-testid="peer-count">{t('live.p2pPeers', { count: peers })}</p>
        </>
      ) : (
        <>
          {hasScreen && !audioOnly && <Video stream={streams!.screen} muted label={t('live.teacherScreen')} testId="screen-video" />}
          <Video stream={streams?.teacher ?? null} label={t('live.teacherVideo')} testId="teacher-video"
                 className={hasScreen ? 'live-video live-video-small' : audioOnly ? 'live-video live-audio-only' : 'live-video'} />
          {audioOnly && <p className="muted small">{t('live.audioOnlyNote')}</p>}
          {model.status === 'live' && peerState !== 'connected' && <p className="muted small" role="status">{t('live.mediaConnecting')}</p>}
        </>
      )}
      {model.floor && (
        <div className="live-floor" data-testid="floor">
          <p className="small">🎙 {t('live.floorHolder', { name: model.floor.name })}</p>
          {teacher && <Video stream={floor} label={t('live.floorVideo')} testId="floor-video" className="live-video live-video-small" />}
          {!teacher && !model.me.floor && hasLiveVideo(streams?.floor) && <Video stream={streams?.floor ?? null} label={t('live.floorVideo')} className="live-video live-video-small" />}
          {model.me.floor && <Video stream={mine} muted label={t('live.myCamera')} className="live-video live-video-small" />}
        </div>
      )}
      {provider === 'p2p' && <p className="muted small live-p2p-note">{t('live.p2pNote')}</p>}
    </div>
  );
}

function Reactions({ list }: { list: Reaction[] }) {
  return (
    <div className="live-reactions" aria-live="polite" data-testid="reactions">
      {list.map((r) => <span key={r.key} className="live-reaction">{r.emoji} <span className="small">{r.name}</span></span>)}
    </div>
  );
}

type Run = (method: string, ...args: unknown[]) => Promise<boolean>;

function StudentBar({ model, run, poorLink, onDismissPoor }: { model: RoomModel; run: Run; poorLink: boolean; onDismissPoor: () => void }) {
  const { t } = useTranslation();
  const hand = model.me.hand !== null;
  return (
    <div className="live-bar" role="toolbar" aria-label={t('live.actions')}>
      <button type="button" className={hand ? 'btn btn-primary' : 'btn'} aria-pressed={hand} data-testid="hand-button"
              onClick={() => void run(hand ? 'LowerHand' : 'RaiseHand')}>
        ✋ {hand ? t('live.lowerHand') : t('live.raiseHand')}
      </button>
      <div className="live-emoji" role="group" aria-label={t('live.react')}>
        {EMOJIS.map((e) => (
          <button key={e} type="button" className="btn btn-small btn-quiet" aria-label={t('live.reactWith', { emoji: e })}
                  onClick={() => void run('React', e)}>{e}</button>
        ))}
      </div>
      <label className="live-mode">
        <span>{t('live.myMedia')}</span>
        <select value={model.me.media} onChange={(e) => void run('SetMyMedia', e.target.value)} data-testid="media-mode">
          <option value="full">{t('live.mediaFull')}</option>
          <option value="low">{t('live.mediaLow')}</option>
          <option value="audio">{t('live.mediaAudio')}</option>
        </select>
      </label>
      {poorLink && model.me.media === 'full' && (
        <p className="alert alert-info small" role="status" data-testid="poor-link">
          {t('live.poorLink')}{' '}
          <button type="button" className="btn btn-small" onClick={() => void run('SetMyMedia', 'low')}>{t('live.mediaLow')}</button>{' '}
          <button type="button" className="btn btn-small" onClick={() => void run('SetMyMedia', 'audio')}>{t('live.mediaAudio')}</button>{' '}
          <button type="button" className="btn btn-small btn-quiet" onClick={onDismissPoor}>{t('common.cancel')}</button>
        </p>
      )}
    </div>
  );
}

function PollCard({ poll, teacher, run }: { poll: NonNullable<RoomModel['poll']>; teacher: boolean; run: Run }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<number[]>(poll.myChoices ?? []);
  const [sent, setSent] = useState<number[] | null>(poll.myChoices);
  useEffect(() => { setChoice(poll.myChoices ?? []); setSent(poll.myChoices); }, [poll.id]);
  const total = poll.answered ?? 0;
  const showCounts = poll.counts && (teacher || poll.shown);
  return (
    <section className="card live-poll" aria-labelledby={`poll-${poll.id}`} data-testid="poll-card">
      <h2 id={`poll-${poll.id}`}>📊 {poll.question}</h2>
      <p className="muted small">
        {poll.multiple ? t('live.poll.multiple') : t('live.poll.single')}
        {poll.anonymous && ` · ${t('live.poll.anonymous')}`}
        {poll.closed && ` · ${t('live.poll.closed')}`}
      </p>
      {!teacher && !poll.closed ? (
        <form onSubmit={(e) => { e.preventDefault(); void run('AnswerPoll', poll.id, choice).then((ok) => ok && setSent(choice)); }}>
          <fieldset className="field choice">
            <legend className="visually-hidden">{poll.question}</legend>
            {poll.options.map((option, i) => (
              <label key={i} className="choice-option">
                <input type={poll.multiple ? 'checkbox' : 'radio'} name={`poll-${poll.id}`} checked={choice.includes(i)}
                       onChange={() => setChoice(poll.multiple ? (choice.includes(i) ? choice.filter((x) => x !== i) : [...choice, i]) : [i])} />
                <span>{option}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" className="btn btn-primary" disabled={choice.length === 0}>
            {sent ? t('live.poll.change') : t('live.poll.answer')}
          </button>
          {sent && <span className="muted small" data-testid="poll-sent"> ✓ {t('live.poll.sent')}</span>}
        </form>
      ) : null}
      {showCounts && (
        <ul className="live-tally" data-testid="poll-tally" data-answered={total}>
          {poll.options.map((option, i) => {
            const count = poll.counts![i] ?? 0;
            const percent = total ? Math.round((count * 100) / total) : 0;
            return (
              <li key={i}>
                <span>{option}</span>
                <span className="live-tally-bar"><span style={{ width: `${percent}%` }} /></span>
                <strong data-testid={`poll-count-${i}`}>{count}</strong>
              </li>
            );
          })}
          <li className="muted small">{t('live.poll.answered', { count: total })}</li>
        </ul>
      )}
      {teacher && !poll.closed && (
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={() => void run('ClosePoll', true)}>{t('live.poll.closeShow')}</button>
          <button type="button" className="btn" onClick={() => void run('ClosePoll', false)}>{t('live.poll.close')}</button>
        </div>
      )}
    </section>
  );
}

type Tab = 'chat' | 'people' | 'hands' | 'console';

function SidePanels({ session, model, teacher, run, meId, teacherMedia, onLocal }: {
  session: LiveSession; model: RoomModel; teacher: boolean; run: Run; meId: string; teacherMedia: TeacherMedia | null;
  onLocal: (s: MediaStream | null) => void;
}) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>(teacher ? 'console' : 'chat');
  const tabs: { id: Tab; label: string }[] = [
    ...(teacher ? [{ id: 'console' as Tab, label: t('live.tab.console') }] : []),
    { id: 'chat', label: t('live.tab.chat') },
    { id: 'people', label: t('live.tab.people', { count: model.count }) },
    { id: 'hands', label: t('live.tab.hands', { count: model.hands.length }) },
  ];
  return (
    <div className="live-panels">
      <div className="tabs" role="tablist" aria-label={t('live.panels')}>
        {tabs.map((x) => (
          <button key={x.id} type="button" role="tab" id={`live-tab-${x.id}`} aria-selected={tab === x.id} aria-controls={`live-panel-${x.id}`}
                  className={tab === x.id ? 'tab tab-current' : 'tab'} onClick={() => setTab(x.id)}>{x.label}</button>
        ))}
      </div>
      <div role="tabpanel" id={`live-panel-${tab}`} aria-labelledby={`live-tab-${tab}`} className="tab-panel live-panel">
        {tab === 'chat' && <ChatPanel model={model} teacher={teacher} run={run} meId={meId} />}
        {tab === 'people' && <PeoplePanel model={model} teacher={teacher} run={run} />}
        {tab === 'hands' && <HandsPanel model={model} teacher={teacher} run={run} />}
        {tab === 'console' && teacher && <Console session={session} model={model} run={run} media={teacherMedia} onLocal={onLocal} />}
      </div>
    </div>
  );
}

function ChatPanel({ model, teacher, run, meId }: { model: RoomModel; teacher: boolean; run: Run; meId: string }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => { list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' }); }, [model.chat.length]);
  const off = !teacher && !model.settings.studentChat;
  async function send(e: FormEvent) {
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    if (await run('SendChat', value)) setText('');
  }
  return (
    <div className="live-chat">
      {model.me.breakout && <p className="muted small">{t('live.breakout.inGroup', { n: model.me.breakout })}</p>}
      <ol className="live-chat-list" ref={list} aria-label={t('live.tab.chat')} aria-live="polite">
        {model.chat.length === 0 && <li className="muted small">{t('live.chatEmpty')}</li>}
        {model.chat.map((c) => (
          <li key={c.id} data-testid="chat-message" className={c.userId === meId ? 'mine' : undefined}>
            <span className="live-chat-who">{c.name}{c.role === 'teacher' && ` · ${t('live.teacher')}`}{c.group ? ` · ${t('live.breakout.group', { n: c.group })}` : ''}</span>
            <span className="muted small"> {formatTime(c.at, i18n.language)}</span>
            {c.deleted ? <p className="muted small"><em>{t('live.chatDeleted')}</em></p> : <p>{c.text}</p>}
            {teacher && !c.deleted && (
              <button type="button" className="btn btn-small btn-quiet" onClick={() => void run('DeleteChat', c.id)}
                      aria-label={t('live.deleteMessage', { name: c.name })}>{t('common.delete')}</button>
            )}
          </li>
        ))}
      </ol>
      {off ? <p className="muted small" data-testid="chat-off">{t('live.chatOff')}</p> : (
        <form className="live-chat-form" onSubmit={send}>
          <label className="visually-hidden" htmlFor="live-chat-input">{t('live.message')}</label>
          <input id="live-chat-input" value={text} maxLength={1000} onChange={(e) => setText(e.target.value)} placeholder={t('live.messagePlaceholder')}
                 aria-label={t('live.message')} autoComplete="off" />
          <button type="submit" className="btn btn-primary" disabled={!text.trim()}>{t('live.send')}</button>
        </form>
      )}
    </div>
  );
}

function PeoplePanel({ model, teacher, run }: { model: RoomModel; teacher: boolean; run: Run }) {
  const { t } = useTranslation();
  const people = [...model.participants].sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'teacher' ? -1 : 1));
  return (
    <div>
      {teacher && model.waiting && model.waiting.length > 0 && (
        <section aria-label={t('live.waitingRoom')} data-testid="waiting-list">
          <h3>{t('live.waitingRoom')} ({model.waiting.length})</h3>
          <button type="button" className="btn btn-small" onClick={() => void run('Admit', null)}>{t('live.admitAll')}</button>
          <ul className="live-people">
            {model.waiting.map((w) => (
              <li key={w.userId}><span>{w.name}</span>
                <button type="button" className="btn btn-small btn-primary" onClick={() => void run('Admit', w.userId)}>{t('live.admit')}</button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {people.length < model.count && <p className="muted small">{t('live.bigRoom', { count: model.count })}</p>}
      <ul className="live-people" aria-label={t('live.tab.people', { count: model.count })}>
        {people.map((p) => (
          <li key={p.userId} data-testid="participant" className={p.online ? undefined : 'away'}>
            <span>
              {p.hand && <span aria-label={t('live.handUp')}>✋ </span>}{p.name}
              <span className="muted small"> {p.role === 'teacher' ? t('live.teacher') : ''}{!p.online ? ` · ${t('live.reconnecting')}` : ''}
                {p.media !== 'full' ? ` · ${t(p.media === 'audio' ? 'live.mediaAudio' : 'live.mediaLow')}` : ''}
                {p.breakout ? ` · ${t('live.breakout.group', { n: p.breakout })}` : ''}</span>
            </span>
            {teacher && p.role !== 'teacher' && (
              <span className="toolbar">
                {model.floor?.userId === p.userId
                  ? <button type="button" className="btn btn-small" onClick={() => void run('TakeFloor')}>{t('live.takeFloor')}</button>
                  : <button type="button" className="btn btn-small" onClick={() => void run('GiveFloor', p.userId, true)}>{t('live.giveFloor')}</button>}
                <button type="button" className="btn btn-small" onClick={() => void run('Mute', p.userId)}>{t('live.mute')}</button>
                <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => void run('Remove', p.userId)}
                        aria-label={t('live.removeWho', { name: p.name })}>{t('live.remove')}</button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function HandsPanel({ model, teacher, run }: { model: RoomModel; teacher: boolean; run: Run }) {
  const { t, i18n } = useTranslation();
  if (model.hands.length === 0) return <p className="muted small" data-testid="no-hands">{t('live.noHands')}</p>;
  return (
    <ol className="live-people" aria-label={t('live.handsQueue')}>
      {model.hands.map((h) => (
        <li key={h.userId} data-testid="hand">
          <span>✋ {h.name} <span className="muted small">{formatTime(h.at, i18n.language)}</span></span>
          {teacher && (
            <span className="toolbar">
              <button type="button" className="btn btn-small btn-primary" onClick={() => void run('GiveFloor', h.userId, true)}>{t('live.giveFloor')}</button>
              <button type="button" className="btn btn-small" onClick={() => void run('ClearHand', h.userId)}
                      aria-label={t('live.clearHandOf', { name: h.name })}>{t('live.clearHand')}</button>
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

function Console({ session, model, run, media, onLocal }: {
  session: LiveSession; model: RoomModel; run: Run; media: TeacherMedia | null; onLocal: (s: MediaStream | null) => void;
}) {
  const { t } = useTranslation();
  const live = model.status === 'live';
  const [mic, setMic] = useState(true);
  const [camera, setCamera] = useState(true);
  const [screen, setScreen] = useState(false);
  const [ending, setEnding] = useState(false);
  return (
    <div className="live-console" data-testid="teacher-console">
      {!live ? (
        <button type="button" className="btn btn-primary btn-block" onClick={() => void run('Start')}>{t('live.start')}</button>
      ) : ending ? (
        <span className="confirm" role="group" aria-label={t('live.end')}>
          <button type="button" className="btn btn-danger" onClick={() => { setEnding(false); void run('End'); }}>{t('live.confirmEnd')}</button>
          <button type="button" className="btn" onClick={() => setEnding(false)}>{t('common.cancel')}</button>
        </span>
      ) : (
        <button type="button" className="btn btn-danger-quiet" onClick={() => setEnding(true)}>{t('live.end')}</button>
      )}

      {live && session.mediaProvider === 'p2p' && (
        <fieldset className="live-group">
          <legend>{t('live.myMediaControls')}</legend>
          <button type="button" className="btn btn-small" aria-pressed={mic} onClick={() => { media?.setMic(!mic); setMic(!mic); }}>
            🎙 {mic ? t('live.micOn') : t('live.micOff')}</button>
          <button type="button" className="btn btn-small" aria-pressed={camera} onClick={() => { media?.setCamera(!camera); setCamera(!camera); }}>
            📷 {camera ? t('live.cameraOn') : t('live.cameraOff')}</button>
          <button type="button" className="btn btn-small" aria-pressed={screen} onClick={async () => {
            if (screen) { media?.stopScreen(); setScreen(false); }
            else if (media) { try { setScreen(await media.shareScreen()); } catch { setScreen(false); } }
            onLocal(media?.local ?? null);
          }}>🖥 {screen ? t('live.stopScreen') : t('live.shareScreen')}</button>
        </fieldset>
      )}

      <fieldset className="live-group">
        <legend>{t('live.roomRules')}</legend>
        <Toggle label={t('live.lock')} checked={model.settings.locked} onChange={(v) => void run('SetLock', v)} />
        <Toggle label={t('live.waitingRoomOn')} checked={model.settings.waitingRoom} onChange={(v) => void run('SetWaitingRoom', v)} />
        <Toggle label={t('live.studentChat')} checked={model.settings.studentChat} onChange={(v) => void run('SetChat', v)} />
        <label className="field">
          <span>{t('live.roomMedia')}</span>
          <select value={model.settings.mediaMode} onChange={(e) => void run('SetMediaMode', e.target.value)}>
            <option value="video">{t('live.roomMediaVideo')}</option>
            <option value="audio">{t('live.roomMediaAudio')}</option>
            <option value="off">{t('live.roomMediaOff')}</option>
          </select>
        </label>
      </fieldset>

      {live && <PollForm run={run} />}
      {live && <BreakoutForm model={model} run={run} />}
    </div>
  );
}

function Toggle({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="live-toggle">
      <input type="checkbox" role="switch" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

function PollForm({ run }: { run: Run }) {
  const { t } = useTranslation();
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(['', '']);
  const [multiple, setMultiple] = useState(false);
  const [anonymous, setAnonymous] = useState(false);
  const ready = question.trim() && options.filter((o) => o.trim()).length >= 2;
  async function open(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    if (await run('OpenPoll', question.trim(), options.map((o) => o.trim()).filter(Boolean), multiple, anonymous)) {
      setQuestion('');
      setOptions(['', '']);
    }
  }
  return (
    <form className="live-group" onSubmit={open} aria-label={t('live.poll.new')}>
      <h3>{t('live.poll.new')}</h3>
      <label className="field"><span>{t('live.poll.question')}</span>
        <input value={question} maxLength={500} onChange={(e) => setQuestion(e.target.value)} /></label>
      {options.map((o, i) => (
        <label key={i} className="field"><span>{t('live.poll.option', { n: i + 1 })}</span>
          <input value={o} maxLength={200} onChange={(e) => setOptions(options.map((x, j) => (j === i ? e.target.value : x)))} /></label>
      ))}
      {options.length < 10 && (
        <button type="button" className="btn btn-small btn-quiet" onClick={() => setOptions([...options, ''])}>+ {t('live.poll.addOption')}</button>
      )}
      <Toggle label={t('live.poll.multiple')} checked={multiple} onChange={setMultiple} />
      <Toggle label={t('live.poll.anonymous')} checked={anonymous} onChange={setAnonymous} />
      <button type="submit" className="btn btn-primary" disabled={!ready}>{t('live.poll.open')}</button>
    </form>
  );
}
