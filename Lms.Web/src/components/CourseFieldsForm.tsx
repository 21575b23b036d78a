import { useTranslation } from 'react-i18next';
import type { CourseFields, CourseKind } from '../api/lms';
import { fieldErrorText } from '../errors';
import { Field } from './common';

/** The fields these inputs show errors for. */
export const courseFields = ['title', 'summary', 'kind'];

/** Title, summary and kind: shared by "create course" and the editor's details tab. */
export function CourseFieldsInputs({ value, onChange, error }: {
  value: CourseFields; onChange: (value: CourseFields) => void; error: unknown;
}) {
  const { t } = useTranslation();
  const kinds: CourseKind[] = ['blended', 'mooc'];
  return (
    <>
      <Field label={t('courseForm.title')} error={fieldErrorText(t, error, 'title')}>
        {(props) => (
          <input {...props} required maxLength={200} value={value.title}
                 onChange={(e) => onChange({ ...value, title: e.target.value })} />
        )}
      </Field>
      <Field label={t('courseForm.summary')} hint={t('courseForm.summaryHint')} error={fieldErrorText(t, error, 'summary')}>
        {(props) => (
          <textarea {...props} rows={3} maxLength={4000} value={value.summary ?? ''}
                    onChange={(e) => onChange({ ...value, summary: e.target.value })} />
        )}
      </Field>
      <fieldset className="field choice">
        <legend>{t('courseForm.kind')}</legend>
        {kinds.map((kind) => (
          <label key={kind} className="choice-option">
            <input type="radio" name="course-kind" value={kind} checked={value.kind === kind}
                   onChange={() => onChange({ ...value, kind })} />
            <span>
              <strong>{t(`courseKind.${kind}`)}</strong>
              <span className="muted small block">{t(`courseForm.kindHint.${kind}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
    </>
  );
}
