import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { acceptedFiles, contentApi, type ContentItem, type ContentSummary, type ContentType, type WatchState } from '../../api/content';
import type { ItemCreateProps, ItemKindSpec, ItemViewProps } from '../../components/itemKindSpec';
import { ErrorMessage, Field, Loading } from '../../components/common';
import { Markdown } from '../../components/Markdown';
import { emptyFields, UploadProgress } from './ContentForm';
import { ContentMedia, failureText, ProcessingStatus, useContentItem } from './ContentMedia';
import { formatClock } from './format';
import './content.css';
import { FilePicker } from '../../components/FilePicker';

type MediaType = Exclude<ContentType, 'link'>;

/** A course item standing for a library item: the player (with the learner's place kept), the document, the picture. */
function ContentItemView({ course, item, learner, onSeen }: ItemViewProps) {
  const { t } = useTranslation();
  const { item: content, error, reload } = useContentItem(item.refId);
  const tracked = learner && (item.kind === 'video' || item.kind === 'audio');
  const [watch, setWatch] = useState<WatchState | null>(null);
  const seen = useRef(item.seen);

  useEffect(() => {
    if (!tracked) return;
    contentApi.watch(course.id, item.id).then(setWatch, () => setWatch({
      positionSeconds: 0, durationSeconds: 0, watchedSeconds: 0, watchedShare: 0, seen: false, tracked: false,
    }));
  }, [tracked, course.id, item.id]);

  if (!content) {
    if (error instanceof ApiError && error.status === 404) return <p className="muted">{t('content.unavailable')}</p>;
    return error ? <ErrorMessage error={error} onRetry={reload} /> : <Loading />;
  }
  if (tracked && !watch) return <Loading />;

  const report = tracked
    ? (position: number, duration: number, played: { start: number; end: number }[]) => {
      contentApi.recordWatch(course.id, item.id, position, duration, played).then((state) => {
        setWatch(state);
        if (state.seen && !seen.current) {
          seen.current = true;
          onSeen?.();
        }
      }, () => undefined);
    }
    : undefined;

  return (
    <div className="content-in-course" data-testid="content-item-view">
      {item.body && <Markdown source={item.body} testId="item-body" />}
      <ProcessingStatus item={content} onFinished={reload} />
      {content.status === 'failed' && !content.media && (
        <p className="alert alert-error" role="alert">
          {content.lastFailure ? failureText(t, content.lastFailure.code, content.lastFailure.message) : t('content.notPlayable')}
        </p>
      )}
      <ContentMedia item={content} startAt={watch?.positionSeconds} onReport={report} />
      {tracked && watch?.tracked && (
        <p className="muted small" data-testid="watched-share" data-share={Math.round(watch.watchedShare * 100)}>
          {t('content.watched', { percent: Math.round(watch.watchedShare * 100) })}
          {watch.positionSeconds > 0 && <> · {t('content.stoppedAt', { time: formatClock(watch.positionSeconds) })}</>}
        </p>
      )}
      {(content.canEdit || content.visibility !== 'private') && (
        <p className="small"><Link to={`/library/${content.id}`}>{t('content.openInLibrary')}</Link></p>
      )}
    </div>
  );
}

/** Adds a library item to a module: chosen from the library, or uploaded on the spot. */
function createFor(type: MediaType) {
  return function ContentItemCreate({ course, module, onDone, onCancel }: ItemCreateProps) {
    const { t } = useTranslation();
    const [mode, setMode] = useState<'pick' | 'upload'>('pick');
    return (
      <div className="content-create" data-testid="content-create">
        <div className="segmented" role="group" aria-label={t('content.addFrom')}>
          <button type="button" className={mode === 'pick' ? 'btn btn-small btn-primary' : 'btn btn-small'}
                  aria-pressed={mode === 'pick'} onClick={() => setMode('pick')}>{t('content.fromLibrary')}</button>
          <button type="button" className={mode === 'upload' ? 'btn btn-small btn-primary' : 'btn btn-small'}
                  aria-pressed={mode === 'upload'} onClick={() => setMode('upload')}>{t('content.uploadNew')}</button>
        </div>
        {mode === 'pick'
          ? <Pick type={type} courseId={course.id} moduleId={module.id} onDone={onDone} />
          : <UploadNew type={type} institutionId={course.institutionId} courseId={course.id} moduleId={module.id} onDone={onDone} />}
        <p className="actions"><button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button></p>
      </div>
    );
  };
}

function Pick({ type, courseId, moduleId, onDone }: { type: MediaType; courseId: string; moduleId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [results, setResults] = useState<ContentSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setResults(null);
    // Items whose file was refused, or never came, cannot be used in a course.
    contentApi.search({ q: q || undefined, type, take: 20 })
      .then((page) => setResults(page.items.filter((i) => i.status === 'ready' || i.status === 'processing')), setError);
  }, [q, type]);

  async function add(contentId: string) {
    setBusy(true);
    setError(null);
    try {
      await contentApi.addToCourse(courseId, moduleId, contentId);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <form className="search-row" role="search" onSubmit={(e) => { e.preventDefault(); setQ(text.trim()); }}>
        <Field label={t('content.searchLibrary')}>
          {(props) => <input {...props} type="search" value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        <button type="submit" className="btn">{t('content.searchButton')}</button>
      </form>
      <ErrorMessage error={error} />
      {results === null ? <Loading /> : results.length === 0 ? <p className="muted small">{t('content.nothingFound')}</p> : (
        <ul className="pick-list">
          {results.map((r) => (
            <li key={r.id}>
              <span className="pick-title">
                {r.title}
                <span className="block muted small">
                  {[r.durationSeconds != null ? formatClock(r.durationSeconds) : null, r.ownerName, t(`content.status.${r.status}`)].filter(Boolean).join(' · ')}
                </span>
              </span>
              <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => void add(r.id)}>
                {t('content.choose')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function UploadNew({ type, institutionId, courseId, moduleId, onDone }: {
  type: MediaType; institutionId: string; courseId: string; moduleId: string; onDone: () => void;
}) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [item, setItem] = useState<ContentItem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function start(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const name = title.trim() || file.name.replace(/\.[^.]+$/, '');
      const created = await contentApi.create(institutionId, type, { ...emptyFields(), title: name });
      await contentApi.addToCourse(courseId, moduleId, created.id);
      setItem(created);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (item && file) {
    return uploadError
      ? <p className="alert alert-error" role="alert">{uploadError}</p>
      : <UploadProgress itemId={item.id} file={file} onDone={onDone} onError={setUploadError} />;
  }
  return (
    <form onSubmit={start} noValidate>
      <ErrorMessage error={error} />
      <Field label={t('content.field.file')} hint={t(`content.fileHint.${type}`)}>
        {(props) => <FilePicker {...props} accept={acceptedFiles[type]} data-testid="course-content-file" onFile={setFile} />}
      </Field>
      <Field label={t('content.field.title')} hint={t('content.titleFromFile')}>
        {(props) => <input {...props} maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <button type="submit" className="btn btn-primary" disabled={!file || busy}>{t('content.uploadAndAdd')}</button>
    </form>
  );
}

/** The parts of the content library's course item kinds; components/itemKinds.tsx registers them (icons there). */
export const contentItemParts = {
  View: ContentItemView,
  create: { video: createFor('video'), audio: createFor('audio'), document: createFor('document'), image: createFor('image') },
} satisfies { View: ItemKindSpec['View']; create: Record<MediaType, NonNullable<ItemKindSpec['Create']>> };
