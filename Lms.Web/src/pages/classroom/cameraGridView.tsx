// The teacher sees the class: the teacher's grid of students' thumbnails (paged: 12 on a laptop, 4 on a phone),
// with who refused or has no camera, and the student's prompt (accept or refuse; turn it off at any time).
// The connections are cameraGrid.ts's; the states come from the room (camera.changed, and Cameras after a reload).
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChevronLeft, ChevronRight, Video, VideoOff } from 'lucide-react';
import { isKnown, parseEvent, type CameraRequest, type CameraState } from './events';
import { StudentCamera, TeacherCameras, pageSizeFor, type IceSource } from './cameraGrid';
import type { Room, Run, SignalMessage } from './room';
import './cameraGrid.css';

/** How the page hands the thumbnails' signals (kinds `cam-…`) to the grid or the student's camera. */
export type CameraSignals = (s: SignalMessage) => void;

/** The room's camera events and the current states (asked once, then kept by the events). */
function useCameraStates(room: Room | null, connected: boolean): Map<string, CameraState> {
  const [states, setStates] = useState(new Map<string, CameraState>());
  useEffect(() => {
    if (!room) return;
    const stop = room.listen((raw) => {
      const e = parseEvent(raw);
      if (!isKnown(e) || e.type !== 'camera.changed') return;
      const state = e.data;
      setStates((m) => new Map(m).set(state.userId, state));
    });
    return stop;
  }, [room]);
  useEffect(() => {
    if (!room || !connected) return;
    room.cameras().then((list) => setStates((m) => {
      const next = new Map(m);
      for (const s of list) next.set(s.userId, s);
      return next;
    }), () => {});
  }, [room, connected]);
  return states;
}

function useNarrow(): boolean {
  const query = '(max-width: 600px)';
  const [narrow, setNarrow] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const change = () => setNarrow(list.matches);
    list.addEventListener('change', change);
    return () => list.removeEventListener('change', change);
  }, []);
  return narrow;
}

export function CameraGrid({ room, run, acting, connected, ice, students, onSignals }: {
  room: Room | null; run: Run; acting: boolean; connected: boolean; ice: IceSource;
  /** The students in the room now (id and name), in the room's order. */
  students: { userId: string; name: string }[];
  onSignals: (handler: CameraSignals | null) => void;
}) {
  const { t } = useTranslation();
  const roomRef = useRef(room);
  roomRef.current = room;
  const [, setVersion] = useState(0);
  const cameras = useMemo(() => new TeacherCameras(() => roomRef.current, ice), [ice]);
  const states = useCameraStates(room, connected);
  const narrow = useNarrow();
  const [page, setPage] = useState(0);

  useEffect(() => {
    cameras.onChange = () => setVersion((v) => v + 1);
    return () => cameras.stop();
  }, [cameras]);

  // Only the tab that acts for the teacher receives thumbnails; it asks those already on to offer again.
  useEffect(() => {
    if (!acting) { onSignals(null); cameras.stop(); return; }
    onSignals((s) => {
      if (s.kind === 'cam-offer') void cameras.offer(s.from, s.payload);
      else if (s.kind === 'cam-ice') void cameras.candidate(s.from, s.payload);
      else if (s.kind === 'cam-bye') cameras.close(s.from);
    });
    return () => onSignals(null);
  }, [acting, cameras, onSignals]);
  // Cameras already on when this page begins to act (a reload, another tab took over): they are asked to offer again.
  // A camera turned on later offers by itself.
  useEffect(() => {
    if (!acting || !connected || !room) return;
    room.cameras().then((list) => {
      for (const c of list) if (c.state === 'on' && !cameras.streams.has(c.userId)) cameras.hello(c.userId);
    }, () => {});
  }, [acting, connected, room, cameras]);
  // A camera turned off closes its tile's connection.
  useEffect(() => {
    for (const s of states.values()) if (s.state !== 'on') cameras.close(s.userId);
  }, [states, cameras]);

  const tiles = students.filter((s) => states.has(s.userId)).map((s) => ({ ...s, state: states.get(s.userId)!.state }));
  const size = pageSizeFor(narrow);
  const pages = Math.max(1, Math.ceil(tiles.length / size));
  const current = Math.min(page, pages - 1);
  const shown = tiles.slice(current * size, current * size + size);
  const counts = { on: 0, refused: 0, none: 0 } as Record<string, number>;
  for (const tile of tiles) counts[tile.state] = (counts[tile.state] ?? 0) + 1;

  return (
    <section className="live-group camera-grid" aria-label={t('cameras.title')} data-testid="camera-grid">
      <h3>{t('cameras.title')}</h3>
      <div className="camera-grid-actions">
        <button type="button" className="btn btn-small" data-testid="cameras-ask" onClick={() => void run((r) => r.askCameras(null))}>
          <Video aria-hidden="true" /> {t('cameras.askAll')}</button>
        <button type="button" className="btn btn-small btn-quiet" data-testid="cameras-stop" onClick={() => void run((r) => r.stopCameras(null))}>
          <VideoOff aria-hidden="true" /> {t('cameras.stopAll')}</button>
      </div>
      {tiles.length > 0 && (
        <p className="muted small" data-testid="camera-counts">{t('cameras.counts', { on: counts.on, refused: counts.refused, none: counts.none })}</p>
      )}
      <ul className={narrow ? 'camera-tiles camera-tiles-narrow' : 'camera-tiles'}>
        {shown.map((tile) => (
          <li key={tile.userId} className="camera-tile" data-testid="camera-tile" data-state={tile.state}>
            {tile.state === 'on' && cameras.streams.has(tile.userId) ? (
              <Thumbnail stream={cameras.streams.get(tile.userId)!} label={tile.name} testId={`camera-video-${tile.userId}`} />
            ) : (
              <div className="camera-tile-empty"><VideoOff aria-hidden="true" /></div>
            )}
            <span className="camera-tile-name">{tile.name}</span>
            {tile.state !== 'on' && <span className="small camera-tile-state" data-testid="camera-state">{t(`cameras.state.${tile.state}`)}</span>}
          </li>
        ))}
      </ul>
      {pages > 1 && (
        <nav className="camera-pages" aria-label={t('cameras.pages')}>
          <button type="button" className="btn btn-small btn-quiet" disabled={current === 0} aria-label={t('cameras.previous')}
                  onClick={() => setPage(current - 1)}><ChevronLeft aria-hidden="true" /></button>
          <span className="small" data-testid="camera-page">{t('cameras.page', { page: current + 1, pages })}</span>
          <button type="button" className="btn btn-small btn-quiet" disabled={current >= pages - 1} aria-label={t('cameras.next')}
                  onClick={() => setPage(current + 1)}><ChevronRight aria-hidden="true" /></button>
        </nav>
      )}
    </section>
  );
}

function Thumbnail({ stream, label, testId }: { stream: MediaStream; label: string; testId: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    if (video.srcObject !== stream) video.srcObject = stream;
    video.play().catch(() => {});
  }, [stream]);
  return <video ref={ref} className="camera-video" autoPlay playsInline muted aria-label={label} data-testid={testId} />;
}

/** The student's side: the teacher's request, accept or refuse, and turning the camera off. */
export function MyCamera({ room, run, me, presenterId, connected, ice, onSignals }: {
  room: Room | null; run: Run; me: string; presenterId: string | null; connected: boolean; ice: IceSource;
  onSignals: (handler: CameraSignals | null) => void;
}) {
  const { t } = useTranslation();
  const roomRef = useRef(room);
  roomRef.current = room;
  const camera = useMemo(() => new StudentCamera(() => roomRef.current, ice), [ice]);
  const states = useCameraStates(room, connected);
  const mine = states.get(me)?.state ?? null;
  const [asked, setAsked] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => () => camera.stop(), [camera]);
  useEffect(() => {
    onSignals((s) => {
      if (s.kind === 'cam-answer') void camera.answer(s.from, s.payload);
      else if (s.kind === 'cam-ice') void camera.candidate(s.from, s.payload);
      else if (s.kind === 'cam-hello' && camera.on) void camera.offer(s.from);
    });
    return () => onSignals(null);
  }, [camera, onSignals]);
  // The teacher's requests: to the class or to me.
  useEffect(() => {
    if (!room) return;
    return room.listen((raw) => {
      const e = parseEvent(raw);
      if (!isKnown(e)) return;
      const forMe = (request: CameraRequest) => request.userId === null || request.userId === me;
      if (e.type === 'cameras.asked' && forMe(e.data)) setAsked(true);
      if (e.type === 'cameras.stopped' && forMe(e.data)) {
        setAsked(false);
        camera.stop();
      }
    });
  }, [room, me, camera]);
  // After a reload the room says the teacher is waiting for an answer.
  useEffect(() => { if (mine === 'asked') setAsked(true); }, [mine]);

  async function accept() {
    if (!presenterId) return;
    setBusy(true);
    const state = await camera.start(presenterId);
    if (await run((r) => r.setMyCamera(state)) && state === 'on') await camera.offer(presenterId);
    setAsked(false);
    setBusy(false);
  }
  async function refuse() {
    setAsked(false);
    await run((r) => r.setMyCamera('refused'));
  }
  async function turnOff() {
    camera.stop();
    await run((r) => r.setMyCamera('off'));
  }

  if (asked && mine !== 'on') {
    return (
      <div className="alert alert-info camera-ask" role="alertdialog" aria-label={t('cameras.askedTitle')} data-testid="camera-ask">
        <p>{t('cameras.asked')}</p>
        <button type="button" className="btn btn-primary btn-small" disabled={busy} data-testid="camera-accept" onClick={() => void accept()}>
          <Video aria-hidden="true" /> {t('cameras.accept')}</button>{' '}
        <button type="button" className="btn btn-small" disabled={busy} data-testid="camera-refuse" onClick={() => void refuse()}>
          {t('cameras.refuse')}</button>
      </div>
    );
  }
  if (mine === 'on' && camera.on) {
    return (
      <p className="small camera-mine" data-testid="camera-mine">
        <Video aria-hidden="true" className="icon-inline" /> {t('cameras.mineOn')}{' '}
        <button type="button" className="btn btn-small" data-testid="camera-off" onClick={() => void turnOff()}>
          <VideoOff aria-hidden="true" /> {t('cameras.turnOff')}</button>
      </p>
    );
  }
  if (mine === 'none') return <p className="small muted" data-testid="camera-none">{t('cameras.noCamera')}</p>;
  return null;
}
