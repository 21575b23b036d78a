import { useCallback, useEffect, useRef, useState, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import Hls from 'hls.js';
import type { MediaInfo, SubtitleInfo } from '../../api/content';
import { formatClock } from './format';

export interface PlayedRange {
  start: number;
  end: number;
}

interface Props {
  media: MediaInfo;
  subtitles: SubtitleInfo[];
  title: string;
  /** Where to start (a learner's saved position). */
  startAt?: number;
  /** Where the learner is and the stretches played since the last report: every 10 s, on pause, on leaving. */
  onReport?: (position: number, duration: number, played: PlayedRange[]) => void;
}

interface Thumb {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const speeds = [0.5, 0.75, 1, 1.25, 1.5, 2];

/** The thumbnail track (WebVTT cues pointing at sprite tiles: "sprite_001.jpg#xywh=x,y,w,h"). */
async function loadThumbs(vttUrl: string): Promise<Thumb[]> {
  const response = await fetch(vttUrl, { credentials: 'same-origin' });
  if (!response.ok) return [];
  const base = new URL(vttUrl, window.location.href);
  const lines = (await response.text()).replace(/\r/g, '').split('\n');
  const thumbs: Thumb[] = [];
  const time = (text: string) => text.split(':').reduce((sum, part) => sum * 60 + Number(part), 0);
  for (let i = 0; i < lines.length - 1; i++) {
    const cue = /^([\d:.]+)\s+-->\s+([\d:.]+)/.exec(lines[i]);
    const target = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(lines[i + 1]?.trim() ?? '');
    if (!cue || !target) continue;
    thumbs.push({
      start: time(cue[1]), end: time(cue[2]), url: new URL(target[1], base).toString(),
      x: Number(target[2]), y: Number(target[3]), w: Number(target[4]), h: Number(target[5]),
    });
  }
  return thumbs;
}

/**
 * The video and sound player: hls.js where the browser has Media Source Extensions (with a quality
 * chooser), the browser's own HLS otherwise (Safari on iPhone); speed, subtitles, thumbnails over
 * the seek bar, fullscreen.
 */
/** A rendition's quality as people name it: the shorter side, so a 720×1280 portrait video is "720p", not "1280p". */
function lines(level: { width?: number; height: number }): number {
  return level.width && level.height ? Math.min(level.width, level.height) : level.height;
}

export default function MediaPlayer({ media, subtitles, title, startAt, onReport }: Props) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const hls = useRef<Hls | null>(null);
  const [playing, setPlaying] = useState(false);
  const [current, setCurrent] = useState(0);
  const [duration, setDuration] = useState(media.durationSeconds ?? 0);
  const [levels, setLevels] = useState<{ index: number; height: number; name: string }[]>([]);
  const [level, setLevel] = useState(-1);
  const [autoHeight, setAutoHeight] = useState<number | null>(null);
  const [speed, setSpeed] = useState(1);
  const [track, setTrack] = useState(-1);
  const [thumbs, setThumbs] = useState<Thumb[]>([]);
  const [preview, setPreview] = useState<{ left: number; time: number } | null>(null);
  const [failed, setFailed] = useState(false);
  const audio = media.kind === 'audio';

  // The source: hls.js if it can, the browser's own HLS if not.
  useEffect(() => {
    const element = video.current;
    if (!element || !media.hlsUrl) return;
    setFailed(false);
    if (Hls.isSupported()) {
      const instance = new Hls({ capLevelToPlayerSize: true, startLevel: -1 });
      hls.current = instance;
      instance.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
        setLevels(data.levels
          .map((l, index) => ({ index, height: lines(l), name: lines(l) ? `${lines(l)}p` : `${Math.round(l.bitrate / 1000)} kbps` }))
          .sort((a, b) => b.height - a.height));
      });
      instance.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
        const level = instance.levels[data.level];
        setAutoHeight(level ? lines(level) || null : null);
      });
      instance.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR) instance.startLoad();
        else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) instance.recoverMediaError();
        else setFailed(true);
      });
      instance.loadSource(media.hlsUrl);
      instance.attachMedia(element);
      return () => {
        instance.destroy();
        hls.current = null;
      };
    }
    if (element.canPlayType('application/vnd.apple.mpegurl')) {
      element.src = media.hlsUrl;
      return () => {
        element.removeAttribute('src');
        element.load();
      };
    }
    setFailed(true);
  }, [media.hlsUrl]);

  useEffect(() => {
    if (!media.thumbnailsUrl) return;
    let stale = false;
    loadThumbs(media.thumbnailsUrl).then((loaded) => { if (!stale) setThumbs(loaded); }, () => undefined);
    return () => { stale = true; };
  }, [media.thumbnailsUrl]);

  // What was played, in stretches: seeking starts a new one, so skipping ahead never counts as watching.
  const stretch = useRef<PlayedRange | null>(null);
  const pending = useRef<PlayedRange[]>([]);
  const lastReported = useRef(-1);
  const report = useRef(onReport);
  report.current = onReport;

  const flush = useCallback(() => {
    const element = video.current;
    if (!element || !report.current) return;
    const open = stretch.current;
    if (open && open.end > open.start) {
      pending.current.push({ ...open });
      stretch.current = { start: open.end, end: open.end };
    }
    const position = element.currentTime;
    if (pending.current.length === 0 && Math.abs(position - lastReported.current) < 1) return;
    lastReported.current = position;
    const total = Number.isFinite(element.duration) ? element.duration : (media.durationSeconds ?? 0);
    report.current(position, total, pending.current.splice(0));
  }, [media.durationSeconds]);

  useEffect(() => {
    const timer = window.setInterval(flush, 10_000);
    const hidden = () => { if (document.visibilityState === 'hidden') flush(); };
    document.addEventListener('visibilitychange', hidden);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', hidden);
      flush();
    };
  }, [flush]);

  function onTimeUpdate() {
    const element = video.current;
    if (!element) return;
    const time = element.currentTime;
    setCurrent(time);
    if (element.paused || element.seeking) return;
    const open = stretch.current;
    if (open && time >= open.end - 0.25 && time - open.end < 3) open.end = time;
    else {
      if (open && open.end > open.start) pending.current.push({ ...open });
      stretch.current = { start: time, end: time };
    }
  }

  function onSeeking() {
    const open = stretch.current;
    if (open && open.end > open.start) pending.current.push({ ...open });
    stretch.current = null;
  }

  function onLoadedMetadata() {
    const element = video.current;
    if (!element) return;
    if (Number.isFinite(element.duration)) setDuration(element.duration);
    if (startAt && startAt > 1 && startAt < element.duration - 3) element.currentTime = startAt;
  }

  function toggle() {
    const element = video.current;
    if (!element) return;
    if (element.paused) void element.play().catch(() => undefined);
    else element.pause();
  }

  function chooseLevel(value: number) {
    setLevel(value);
    if (hls.current) hls.current.currentLevel = value;
  }

  function chooseSpeed(value: number) {
    setSpeed(value);
    if (video.current) video.current.playbackRate = value;
  }

  function chooseTrack(value: number) {
    setTrack(value);
    const tracks = video.current?.textTracks;
    if (!tracks) return;
    for (let i = 0; i < tracks.length; i++) tracks[i].mode = i === value ? 'showing' : 'disabled';
  }

  function fullscreen() {
    const element = root.current;
    const player = video.current as (HTMLVideoElement & { webkitEnterFullscreen?: () => void }) | null;
    if (document.fullscreenElement) void document.exitFullscreen();
    else if (element?.requestFullscreen) void element.requestFullscreen().catch(() => player?.webkitEnterFullscreen?.());
    else player?.webkitEnterFullscreen?.();
  }

  function hover(event: PointerEvent<HTMLInputElement>) {
    if (!duration || thumbs.length === 0) return;
    const box = event.currentTarget.getBoundingClientRect();
    const share = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    setPreview({ left: share * box.width, time: share * duration });
  }

  const thumb = preview ? thumbs.find((c) => preview.time >= c.start && preview.time < c.end) ?? thumbs[thumbs.length - 1] : null;
  const autoLabel = autoHeight ? t('player.autoWith', { quality: `${autoHeight}p` }) : t('player.auto');

  return (
    <div className={audio ? 'player player-audio' : 'player'} ref={root} data-testid="media-player">
      <div className="player-screen">
        <video
          ref={video}
          playsInline
          preload="metadata"
          poster={media.posterUrl ?? undefined}
          aria-label={title}
          data-testid="player-video"
          onClick={toggle}
          onPlay={() => setPlaying(true)}
          onPause={() => { setPlaying(false); flush(); }}
          onEnded={() => { setPlaying(false); flush(); }}
          onTimeUpdate={onTimeUpdate}
          onSeeking={onSeeking}
          onLoadedMetadata={onLoadedMetadata}
          onDurationChange={() => { const d = video.current?.duration; if (d && Number.isFinite(d)) setDuration(d); }}
        >
          {subtitles.map((s) => <track key={s.id} kind="subtitles" src={s.url} srcLang={s.language} label={s.label} />)}
        </video>
        {!playing && (
          <button type="button" className="player-big-play" aria-label={t('player.play')} onClick={toggle}>
            <span aria-hidden="true">▶</span>
          </button>
        )}
      </div>
      {failed && <p className="alert alert-error" role="alert">{t('player.cannotPlay')}</p>}
      <div className="player-controls">
        <div className="player-seek">
          {preview && (
            <div className="player-preview" style={{ left: preview.left }} aria-hidden="true" data-testid="player-thumbnail">
              {thumb && (
                <span
                  className="player-thumb"
                  style={{
                    width: thumb.w, height: thumb.h, backgroundImage: `url("${thumb.url}")`,
                    backgroundPosition: `-${thumb.x}px -${thumb.y}px`,
                  }}
                />
              )}
              <span className="player-preview-time">{formatClock(preview.time)}</span>
            </div>
          )}
          <input
            type="range"
            min={0}
            max={duration || 0}
            step={0.1}
            value={Math.min(current, duration || 0)}
            aria-label={t('player.seek')}
            aria-valuetext={`${formatClock(current)} / ${formatClock(duration)}`}
            data-testid="player-seek"
            onChange={(e) => { if (video.current) video.current.currentTime = Number(e.target.value); }}
            onPointerMove={hover}
            onPointerDown={hover}
            onPointerLeave={() => setPreview(null)}
            onPointerUp={() => setPreview(null)}
          />
        </div>
        <div className="player-bar">
          <button type="button" className="btn btn-small btn-icon" onClick={toggle}
                  aria-label={playing ? t('player.pause') : t('player.play')} data-testid="player-toggle">
            <span aria-hidden="true">{playing ? '❚❚' : '▶'}</span>
          </button>
          <span className="player-time" data-testid="player-time">{formatClock(current)} / {formatClock(duration)}</span>
          <span className="player-spacer" />
          <select aria-label={t('player.speed')} value={speed} onChange={(e) => chooseSpeed(Number(e.target.value))} data-testid="player-speed">
            {speeds.map((s) => <option key={s} value={s}>{s === 1 ? t('player.normalSpeed') : `${s}×`}</option>)}
          </select>
          {levels.length > 1 && (
            <select aria-label={t('player.quality')} value={level} onChange={(e) => chooseLevel(Number(e.target.value))} data-testid="player-quality">
              <option value={-1}>{autoLabel}</option>
              {levels.map((l) => <option key={l.index} value={l.index}>{l.name}</option>)}
            </select>
          )}
          {subtitles.length > 0 && (
            <select aria-label={t('player.subtitles')} value={track} onChange={(e) => chooseTrack(Number(e.target.value))} data-testid="player-subtitles">
              <option value={-1}>{t('player.subtitlesOff')}</option>
              {subtitles.map((s, i) => <option key={s.id} value={i}>{s.label}</option>)}
            </select>
          )}
          {!audio && (
            <button type="button" className="btn btn-small btn-icon" onClick={fullscreen} aria-label={t('player.fullscreen')}>
              <svg className="player-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" fill="none" stroke="currentColor" strokeWidth="2" />
              </svg>
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
