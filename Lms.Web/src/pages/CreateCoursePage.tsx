import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { namesAnyField } from '../errors';
import { api, type CourseFields } from '../api/lms';
import { teachingInstitutions, useMe } from '../auth/AuthContext';
import { courseFields, CourseFieldsInputs } from '../components/CourseFieldsForm';
import { ErrorMessage, Field, useTitle } from '../components/common';

export function CreateCoursePage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const institutions = teachingInstitutions(me);
  const [institutionId, setInstitutionId] = useState(institutions[0]?.institutionId ?? '');
  const [fields, setFields] = useState<CourseFields>({ title: '', summary: '', kind: 'blended' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useTitle(t('createCourse.title'));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const course = await api.createCourse(institutionId, {
        title: fields.title.trim(), summary: fields.summary?.trim() || null, kind: fields.kind,
      });
      navigate(`/courses/${course.id}/edit`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page narrow">
      <p className="breadcrumb"><Link to="/">← {t('shell.myCourses')}</Link></p>
      <h1>{t('createCourse.title')}</h1>
      {institutions.length === 0 ? (
        <p className="empty">{t('createCourse.notAllowed')}</p>
      ) : (
        <form className="card form" onSubmit={submit} noValidate data-testid="create-course-form">
          {!namesAnyField(error, courseFields) && <ErrorMessage error={error} />}
          <Field label={t('createCourse.institution')}>
            {(props) => (
              <select {...props} value={institutionId} onChange={(e) => setInstitutionId(e.target.value)} required>
                {institutions.map((m) => (
                  <option key={m.institutionId} value={m.institutionId}>{m.institutionName}</option>
                ))}
              </select>
            )}
          </Field>
          <CourseFieldsInputs value={fields} onChange={setFields} error={error} />
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? t('common.saving') : t('createCourse.submit')}
            </button>
            <Link className="btn btn-quiet" to="/">{t('common.cancel')}</Link>
          </div>
        </form>
      )}
    </div>
  );
}
