// The stage: the teacher's camera (or the teacher's video and screen for a student), the floor, the room's
// status chips, the reconnecting banner and the reactions floating by.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Mic, Users, Volume2 } from 'lucide-react';
import { hasLiveVideo, type StudentStreams } from './peer';
import { canShowEmoji, reactionKey } from './reactions';
import type { Connection, Reaction, RoomModel } from './room';

export function Stage({ teacher, model, streams, local, floor, mine, peerState, peers, provider, turn }: {
  teacher: boolean; model: RoomModel; streams: StudentStreams | null; local: MediaStream | null; floor: MediaStream | null;
  mine: MediaStream | null; peerState: string; peers: number; provider: string;
  /** Whether a TURN server relays for this room (null: not known yet). */
  turn: boolean | null;
}) {
  const { t } = useTranslation();
  const hasScreen = hasLiveVideo(streams?.screen) && streams?.screenFlowing !== false;
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
          <p className="small"><Mic aria-hidden="true" className="icon-inline" /> {t('live.floorHolder', { name: model.floor.name })}</p>
          {teacher && <Video stream={floor} label={t('live.floorVideo')} testId="floor-video" className="live-video live-video-small" />}
          {!teacher && !model.me.floor && hasLiveVideo(streams?.floor) && <Video stream={streams?.floor ?? null} label={t('live.floorVideo')} className="live-video live-video-small" />}
          {model.me.floor && <Video stream={mine} muted label={t('live.myCamera')} className="live-video live-video-small" />}
        </div>
      )}
      {/* Infrastructure is the teacher's business: students never read about servers. */}
      {teacher && provider === 'p2p' && (
        <div className="muted small live-p2p-note" data-testid="media-advice">
          {turn === false && <p data-testid="no-turn">{t('live.noTurn')}</p>}
          <p>{t('live.p2pNote')}</p>
        </div>
      )}
    </div>
  );
}

export function Video({ stream, muted, label, testId, className }: { stream: MediaStream | null; muted?: boolean; label: string; testId?: string; className?: string }) {
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
        }}><Volume2 aria-hidden="true" /> {t('live.tapForSound')}</button>
      )}
    </div>
  );
}

export function StatusChip({ model, connection }: { model: RoomModel | null; connection: Connection }) {
  const { t } = useTranslation();
  const status = model?.status ?? 'scheduled';
  return (
    <div className="live-chips">
      <span className={`badge live-badge live-${status}`} data-testid="live-status">{t(`live.status.${status}`)}</span>
      {model && <span className="badge" title={t('live.inRoom')} data-testid="live-count"><Users aria-hidden="true" className="icon-inline" /> {model.count}</span>}
      <span className="visually-hidden">{t(`live.connection.${connection}`)}</span>
    </div>
  );
}

/** Reconnecting is shown, never silent. */
export function ConnectionBanner({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  if (connection === 'connected') return null;
  return (
    <p className={`live-connection live-connection-${connection}`} role="status" aria-live="polite" data-testid="connection-status">
      <span className="spinner" aria-hidden="true" /> {t(`live.connection.${connection}`)}
    </p>
  );
}

export function Reactions({ list }: { list: Reaction[] }) {
  const { t } = useTranslation();
  const emoji = canShowEmoji();
  return (
    <div className="live-reactions" aria-live="polite" data-testid="reactions">
      {list.map((r) => {
        const word = reactionKey(r.emoji);
        return (
          <span key={r.key} className="live-reaction" data-testid="reaction">
            {emoji || !word ? r.emoji : <span className="live-reaction-word">{t(word)}</span>} <span className="small">{r.name}</span>
          </span>
        );
      })}
    </div>
  );
}
