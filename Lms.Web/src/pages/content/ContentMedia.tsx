import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import i18n from '../../i18n';
import { contentApi, type ContentItem, type JobEvent, type JobInfo } from '../../api/content';
import { Loading, ProgressBar } from '../../components/common';
import { useJobEvents } from './useJobEvents';
import type { PlayedRange } from './MediaPlayer';
import { formatClock } from './format';

// hls.js is large: it loads with the first video opened, not with every page.
const MediaPlayer = lazy(() => import('./MediaPlayer'));

/** Why a file was refused or failed, in the reader's language (by its stable code), else as the server said it. */
export function failureText(t: TFunction, code: string | null, message: string): string {
  const key = `content.refusal.${code}`;
  return code && i18n.exists(key) ? t(key) : message;
}

/** An item's processing: a progress bar fed by the server over SignalR, and its outcome. */
export function ProcessingStatus({ item, onFinished }: { item: ContentItem; onFinished: () => void }) {
  const { t } = useTranslation();
  const [job, setJob] = useState<JobInfo | JobEvent | null>(item.job);
  useEffect(() => setJob(item.job), [item.job]);
  const active = item.status === 'processing' || job?.state === 'queued' || job?.state === 'running';
  useJobEvents(item.id, active, (event) => {
    setJob(event);
    if (event.state === 'succeeded' || event.state === 'failed' || event.state === 'cancelled') onFinished();
  });
  if (!active || !job) return null;
  const percent = job.state === 'queued' ? 0 : Math.round(job.progress * 100);
  return (
    <div className="processing" data-testid="processing" data-state={job.state}>
      <ProgressBar
        percent={percent}
        label={t('content.processing')}
        detail={job.state === 'queued' ? t('content.queued') : t(`content.processingKind.${item.type}`)}
        testId="processing-progress"
      />
      {job.attempts > 1 && job.state !== 'succeeded' && (
        <p className="muted small">{t('content.retrying', { attempt: job.attempts })}</p>
      )}
    </div>
  );
}

/** What a ready item shows: the player, the document's first page, the picture; downloads. */
export function ContentMedia({ item, startAt, onReport }: {
  item: ContentItem;
  startAt?: number;
  onReport?: (position: number, duration: number, played: PlayedRange[]) => void;
}) {
  const { t } = useTranslation();
  const media = item.media;
  if (!media) return null;
  if (media.kind === 'video' || media.kind === 'audio') {
    return (
      <div className="content-media">
        <Suspense fallback={<Loading />}>
          <MediaPlayer media={media} subtitles={item.subtitles} title={item.title} startAt={startAt} onReport={onReport} />
        </Suspense>
        <p className="content-media-meta muted small">
          {media.durationSeconds != null && <span>{formatClock(media.durationSeconds)}</span>}
          {media.renditions.length > 0 && media.kind === 'video' && (
            <span> · {media.renditions.map((r) => r.name).join(', ')}</span>
          )}
          {media.downloadUrl && (
            <>
              {' · '}
              <a href={media.downloadUrl} data-testid="download-link">{t(media.kind === 'video' ? 'content.downloadVideo' : 'content.downloadAudio')}</a>
            </>
          )}
        </p>
      </div>
    );
  }
  if (media.kind === 'image') {
    return (
      <figure className="content-media content-image">
        <img src={media.sourceUrl ?? media.previewUrl ?? ''} alt={item.description ?? item.title} data-testid="content-image" />
        {media.sourceUrl && (
          <figcaption className="muted small">
            {media.width}×{media.height} · <a href={`${media.sourceUrl}?download=1`}>{t('content.downloadOriginal')}</a>
          </figcaption>
        )}
      </figure>
    );
  }
  return (
    <div className="content-media content-document">
      {media.previewUrl && (
        <a href={media.sourceUrl ?? undefined} target="_blank" rel="noopener" className="document-preview">
          <img src={media.previewUrl} alt={t('content.firstPage', { title: item.title })} data-testid="document-preview" />
        </a>
      )}
      <p className="actions">
        {media.sourceUrl && (
          <a className="btn btn-primary" href={media.sourceUrl} target="_blank" rel="noopener" data-testid="document-open">
            {t('content.openDocument')}
          </a>
        )}
        {media.sourceUrl && <a className="btn" href={`${media.sourceUrl}?download=1`}>{t('content.download')}</a>}
      </p>
      <p className="muted small">
        {media.sourceName}
        {media.pages != null && <> · {t('content.pages', { count: media.pages })}</>}
      </p>
    </div>
  );
}

/** Loads an item (and again when its processing ends). */
export function useContentItem(id: string | null | undefined) {
  const [item, setItem] = useState<ContentItem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!id) return;
    let stale = false;
    contentApi.item(id).then((loaded) => { if (!stale) { setItem(loaded); setError(null); } }, (e) => { if (!stale) setError(e); });
    return () => { stale = true; };
  }, [id, version]);
  return { item, error, reload: () => setVersion((v) => v + 1), setItem };
}
