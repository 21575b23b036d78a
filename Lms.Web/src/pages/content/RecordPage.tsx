import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { teachingInstitutions, useMe } from '../../auth/AuthContext';
import { ErrorMessage, Field, Loading, useTitle } from '../../components/common';
import { formatDateTime } from '../../format';
import { formatClock } from './format';
import { LessonRecorder, recordingsApi, type RecorderState, type RecordingInfo } from './recorder';
import './content.css';

type Phase = 'ready' | 'recording' | 'finishing' | 'published' | 'failed';

/**
 * Records a lesson with the camera and microphone, uploading it in pieces as it goes: when it
 * ends, the recording is published to the library within moments (only the last piece is left
 * to process). The live classroom uses the same recorder on its own stream.
 */
export function RecordPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [params] = useSearchParams();
  const pieceSeconds = Math.max(2, Number(params.get('piece')) || 60);
  const institutions = teachingInstitutions(me);
  const [institutionId, setInstitutionId] = useState(institutions[0]?.institutionId ?? '');
  const [title, setTitle] = useState(() => t('record.defaultTitle', { date: formatDateTime(new Date().toISOString(), i18n.language) }));
  const [phase, setPhase] = useState<Phase>('ready');
  const [error, setError] = useState<unknown>(null);
  const [state, setState] = useState<RecorderState | null>(null);
  const [recording, setRecording] = useState<RecordingInfo | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const preview = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const recorder = useRef<LessonRecorder | null>(null);
  useTitle(t('record.title'));

  useEffect(() => () => stream.current?.getTracks().forEach((track) => track.stop()), []);

  useEffect(() => {
    if (phase !== 'recording') return;
    const started = Date.now();
    const timer = window.setInterval(() => setElapsed((Date.now() - started) / 1000), 500);
    return () => window.clearInterval(timer);
  }, [phase]);

  // After the end, follow the recording until it is published.
  useEffect(() => {
    if (phase !== 'finishing' || !recording) return;
    const timer = window.setInterval(() => {
      recordingsApi.get(recording.id).then((current) => {
        setRecording(current);
        if (current.status === 'published') setPhase('published');
        if (current.status === 'failed') setPhase('failed');
      }, () => undefined);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [phase, recording?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  async function start(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio: true });
      stream.current = media;
      if (preview.current) preview.current.srcObject = media;
      const created = await recordingsApi.start(title.trim(), { institutionId });
      setRecording(created);
      const lesson = new LessonRecorder(media, created.id, pieceSeconds, setState);
      recorder.current = lesson;
      lesson.start();
      setPhase('recording');
    } catch (e) {
      stream.current?.getTracks().forEach((track) => track.stop());
      setError(e instanceof DOMException ? new Error(t('record.noCamera')) : e);
    }
  }

  async function stop() {
    if (!recorder.current) return;
    setPhase('finishing');
    try {
      setRecording(await recorder.current.stop());
    } catch (e) {
      setError(e);
      setPhase('failed');
    } finally {
      stream.current?.getTracks().forEach((track) => track.stop());
    }
  }

  if (institutions.length === 0) return <div className="page narrow"><p className="alert alert-error" role="alert">{t('content.cannotAdd')}</p></div>;

  return (
    <div className="page narrow">
      <p className="breadcrumb"><Link to="/library">← {t('content.library')}</Link></p>
      <h1>{t('record.title')}</h1>
      <p className="muted">{t('record.intro')}</p>
      {error instanceof Error && !('status' in error) ? <p className="alert alert-error" role="alert">{error.message}</p> : <ErrorMessage error={error} />}
      <video ref={preview} className="record-preview" autoPlay muted playsInline hidden={phase !== 'recording'} aria-label={t('record.preview')} />
      {phase === 'ready' && (
        <form className="card form" onSubmit={start}>
          <Field label={t('content.field.title')}>
            {(props) => <input {...props} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}
          </Field>
          {institutions.length > 1 && (
            <Field label={t('content.field.institution')}>
              {(props) => (
                <select {...props} value={institutionId} onChange={(e) => setInstitutionId(e.target.value)}>
                  {institutions.map((m) => <option key={m.institutionId} value={m.institutionId}>{m.institutionName}</option>)}
                </select>
              )}
            </Field>
          )}
          <button type="submit" className="btn btn-primary" disabled={!title.trim()}>{t('record.start')}</button>
        </form>
      )}
      {phase === 'recording' && (
        <div className="card" data-testid="recording">
          <p><strong className="recording-dot" aria-hidden="true">●</strong> {t('record.recording')}{' '}
            <span data-testid="record-elapsed">{formatClock(elapsed)}</span></p>
          <p className="muted small" data-testid="record-pieces">
            {t('record.pieces', { sent: state?.uploadedPieces ?? 0, recorded: state?.recordedPieces ?? 0 })}
          </p>
          <button type="button" className="btn btn-primary" onClick={() => void stop()}>{t('record.stop')}</button>
        </div>
      )}
      {phase === 'finishing' && (
        <div className="card" role="status" data-testid="record-finishing">
          <Loading label={t('record.publishing')} />
          {recording && (
            <p className="muted small">
              {t('record.ready', { ready: recording.pieces.filter((p) => p.status === 'ready').length, total: recording.pieceCount ?? recording.pieces.length })}
            </p>
          )}
        </div>
      )}
      {phase === 'published' && recording?.itemId && (
        <div className="alert alert-success" role="status">
          <span>{t('record.published')}</span>
          <Link className="btn btn-small" to={`/library/${recording.itemId}`} data-testid="recording-item-link">{t('content.openItem')}</Link>
        </div>
      )}
      {phase === 'failed' && <p className="alert alert-error" role="alert">{recording?.error ?? t('record.failed')}</p>}
    </div>
  );
}
