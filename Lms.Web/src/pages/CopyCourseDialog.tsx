import '../components/exports.css';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, type Course } from '../api/lms';
import { fieldErrorText } from '../errors';
import { ErrorMessage, Field } from '../components/common';
import { useLoad } from '../components/useLoad';

/**
 * "Copy course": a copy for another class (whose students are enrolled) or for next year (no class), in a
 * modal dialog; on success the copy opens. The server copies content, quizzes and settings, never people.
 */
export function CopyCourseButton({ course }: { course: Course }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="copy-course">{t('courseCopy.open')}</button>
      {open && <CopyCourseDialog course={course} onClose={() => setOpen(false)} />}
    </>
  );
}

function CopyCourseDialog({ course, onClose }: { course: Course; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const classes = useLoad(() => api.classes(course.institutionId), [course.institutionId]);
  const [title, setTitle] = useState(() => t('courseCopy.defaultTitle', { title: course.title }));
  const [className, setClassName] = useState('');
  const [publish, setPublish] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => element?.close();
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const copy = await api.copyCourse(course.id, { title: title.trim(), className: className || undefined, publish: publish && !!className });
      onClose();
      navigate(`/courses/${copy.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  const classError = fieldErrorText(t, error, 'className');
  return (
    <dialog ref={dialog} className="card copy-dialog" aria-labelledby="copy-title" onCancel={onClose} data-testid="copy-dialog">
      <form className="form" onSubmit={submit}>
        <h2 id="copy-title">{t('courseCopy.title')}</h2>
        <p className="muted">{t('courseCopy.intro')}</p>
        <Field label={t('courseCopy.newTitle')}>
          {(props) => <input {...props} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}
        </Field>
        <Field label={t('courseCopy.className')} error={classError}>
          {(props) => (
            <select {...props} value={className} onChange={(e) => setClassName(e.target.value)}>
              <option value="">{t('courseCopy.noClass')}</option>
              {(classes.data ?? []).map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
            </select>
          )}
        </Field>
        {className && (
          <label className="check">
            <input type="checkbox" checked={publish} onChange={(e) => setPublish(e.target.checked)} /> {t('courseCopy.publish')}
          </label>
        )}
        {!classError && <ErrorMessage error={error ?? classes.error} />}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !title.trim()}>
            {busy ? t('courseCopy.copying') : t('courseCopy.submit')}
          </button>
          <button type="button" className="btn" onClick={onClose}>{t('courseCopy.cancel')}</button>
        </div>
      </form>
    </dialog>
  );
}
