import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { namesAnyField } from '../../errors';
import { api, type Course, type CourseFields } from '../../api/lms';
import { courseFields, CourseFieldsInputs } from '../../components/CourseFieldsForm';
import { ErrorMessage, Notice } from '../../components/common';

export function DetailsForm({ course, onSaved }: { course: Course; onSaved: (course: Course) => void }) {
  const { t } = useTranslation();
  const [fields, setFields] = useState<CourseFields>({ title: course.title, summary: course.summary ?? '', kind: course.kind });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      onSaved(await api.updateCourse(course.id, {
        title: fields.title.trim(), summary: fields.summary?.trim() || null, kind: fields.kind,
      }));
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="course-details-form">
      {saved && <Notice>{t('editor.detailsSaved')}</Notice>}
      {!namesAnyField(error, courseFields) && <ErrorMessage error={error} />}
      <CourseFieldsInputs value={fields} onChange={(value) => { setFields(value); setSaved(false); }} error={error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? t('common.saving') : t('editor.saveDetails')}
        </button>
      </div>
    </form>
  );
}
