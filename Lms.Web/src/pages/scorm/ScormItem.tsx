// A SCORM lesson as a course item: the player (the package runs in a frame from the content origin, see runtime.ts)
// and the form that adds a package to a module. scorm-again is not loaded here: only the runtime page loads it.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { scormApi, type ScormItem, type ScormLaunch } from '../../api/scorm';
import type { ItemCreateProps, ItemViewProps } from '../../components/itemKindSpec';
import { ErrorMessage, Field, Loading } from '../../components/common';
import { FilePicker } from '../../components/FilePicker';
import { isRuntimeMessage, type PlayerMessage } from './messages';
import './scorm.css';
import './scormWords';

function statusOf(sco: ScormItem['scos'][number]): string {
  // SCORM 2004 says "unknown" success for lessons that are not tests: their completion says more.
  if (sco.lessonStatus) return sco.lessonStatus;
  if (sco.successStatus === 'passed' || sco.successStatus === 'failed') return sco.successStatus;
  return sco.completionStatus ?? 'not attempted';
}

export function ScormItemView({ course, item, learner, onSeen }: ItemViewProps) {
  const { t } = useTranslation();
  const [view, setView] = useState<ScormItem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [launch, setLaunch] = useState<ScormLaunch | null>(null);
  const [saved, setSaved] = useState<'idle' | 'saving' | 'saved' | 'failed'>('idle');
  const frame = useRef<HTMLIFrameElement>(null);
  const seen = useRef(item.seen);

  const load = useCallback(() => {
    scormApi.item(course.id, item.id).then(setView, setError);
  }, [course.id, item.id]);
  useEffect(load, [load]);

  // The runtime page says it is ready, then receives the launch; it sends each commit, which is saved here.
  useEffect(() => {
    if (!launch) return;
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== launch.contentOrigin || event.source !== frame.current?.contentWindow || !isRuntimeMessage(event.data)) return;
      if (event.data.type === 'ready') {
        const { runtimeUrl: _, ...rest } = launch;
        const title = view?.scos.find((s) => s.id === launch.scoId)?.title ?? item.title;
        const message: PlayerMessage = { lms: 'scorm', type: 'start', title, launch: rest };
        frame.current?.contentWindow?.postMessage(message, launch.contentOrigin);
        return;
      }
      if (!launch.tracked) return;
      const { commit, finished } = event.data;
      setSaved('saving');
      scormApi.commit(course.id, item.id, launch.scoId, commit).then(() => {
        setSaved('saved');
        if (!seen.current) {
          seen.current = true;
          onSeen?.();
        }
        if (finished) load();
      }, () => setSaved('failed'));
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [launch, view, course.id, item.id, item.title, load, onSeen]);

  async function open(sco?: string) {
    setError(null);
    setSaved('idle');
    try {
      setLaunch(await scormApi.launch(course.id, item.id, sco));
    } catch (e) {
      setError(e);
    }
  }

  if (!view) return error ? <ErrorMessage error={error} onRetry={load} /> : <Loading />;
  const percent = view.score != null ? Math.round(view.score * 100) : null;
  return (
    <div className="scorm-item" data-testid="scorm-item" data-completed={view.completed} data-score={percent ?? ''}>
      <p className="muted small">
        {t('scorm.kind', { version: view.version === '1.2' ? 'SCORM 1.2' : `SCORM 2004${view.edition ? ` (${view.edition})` : ''}` })}
        {learner && <> · {view.completed ? t('scorm.completed') : t('scorm.notCompleted')}</>}
        {learner && percent != null && <> · {t('scorm.score', { percent })}</>}
      </p>
      {!learner && <p className="muted small">{t('scorm.staffTry')}</p>}
      {view.scos.length > 1 && (
        <ol className="scorm-scos" aria-label={t('scorm.parts')}>
          {view.scos.map((sco) => (
            <li key={sco.id} data-testid="scorm-sco" data-sco={sco.id} data-status={statusOf(sco)}>
              <span>{sco.title}{learner && sco.isSco && <span className="muted small"> · {t(`scorm.status.${statusOf(sco)}`, { defaultValue: statusOf(sco) })}</span>}</span>
              <button type="button" className="btn btn-small" onClick={() => void open(sco.id)}>{t('scorm.openPart')}</button>
            </li>
          ))}
        </ol>
      )}
      <p className="actions">
        <button type="button" className="btn btn-primary" data-testid="scorm-open" onClick={() => void open()}>
          {view.scos.some((s) => s.seconds > 0) ? t('scorm.continue') : t('scorm.start')}
        </button>
      </p>
      <ErrorMessage error={error} />
      {launch && (
        <div className="scorm-player">
          <iframe ref={frame} key={launch.sessionId} src={launch.runtimeUrl} title={t('scorm.frameTitle', { title: item.title })}
                  data-testid="scorm-frame" allow="fullscreen"
                  sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads" />
          {launch.tracked && (
            <p className="muted small" role="status" data-testid="scorm-saved" data-state={saved}>
              {saved === 'idle' ? '' : t(`scorm.save.${saved}`)}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

export function ScormItemCreate({ course, module, onDone, onCancel }: ItemCreateProps) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await scormApi.upload(course.id, module.id, file, title.trim());
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="scorm-create" data-testid="scorm-create" onSubmit={(e) => void submit(e)}>
      <Field label={t('scorm.package')} hint={t('scorm.packageHint')}>
        {(props) => <FilePicker {...props} accept=".zip,application/zip" file={file} onFile={setFile} data-testid="scorm-file" />}
      </Field>
      <Field label={t('scorm.title')} hint={t('scorm.titleHint')}>
        {(props) => <input {...props} value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <ErrorMessage error={error} />
      <p className="actions">
        <button type="submit" className="btn btn-primary" disabled={!file || busy}>{busy ? t('scorm.uploading') : t('scorm.add')}</button>
        <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
      </p>
    </form>
  );
}
