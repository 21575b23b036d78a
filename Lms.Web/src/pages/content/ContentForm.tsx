import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { licences, uploadFile, uploadProblem, visibilities, type ContentFields, type ContentType } from '../../api/content';
import { fieldErrorText } from '../../errors';
import { Field, ProgressBar } from '../../components/common';
import { formatBytes } from './format';

export const grades = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', 'university', 'other'];
export const languages = ['vi', 'en', 'fr', 'zh', 'ja', 'ko', 'km', 'lo'];

export function emptyFields(): ContentFields {
  return {
    title: '', description: null, subject: null, grade: null, curriculumCode: null, language: 'vi',
    licence: 'cc-by', visibility: 'institution', tags: [], url: null,
  };
}

/** The metadata of a library item: what it is about, for whom, under which licence, seen by whom. */
export function ContentFieldsForm({ type, value, onChange, error }: {
  type: ContentType;
  value: ContentFields;
  onChange: (value: ContentFields) => void;
  error: unknown;
}) {
  const { t } = useTranslation();
  const set = <K extends keyof ContentFields>(key: K, v: ContentFields[K]) => onChange({ ...value, [key]: v });
  const parse = (text: string) => text.split(',').map((x) => x.trim()).filter(Boolean);
  const [tags, setTags] = useState(value.tags.join(', '));
  useEffect(() => {
    setTags((text) => (parse(text).join('\n') === value.tags.join('\n') ? text : value.tags.join(', ')));
  }, [value.tags]);
  const blank = (text: string) => (text.trim() ? text : null);

  return (
    <>
      <Field label={t('content.field.title')} error={fieldErrorText(t, error, 'title')}>
        {(props) => <input {...props} required maxLength={200} value={value.title} onChange={(e) => set('title', e.target.value)} />}
      </Field>
      {type === 'link' && (
        <Field label={t('content.field.url')} hint={t('editor.itemUrlHint')} error={fieldErrorText(t, error, 'url')}>
          {(props) => (
            <input {...props} type="url" inputMode="url" required maxLength={2000} placeholder="https://"
                   value={value.url ?? ''} onChange={(e) => set('url', blank(e.target.value))} />
          )}
        </Field>
      )}
      <Field label={t('content.field.description')}>
        {(props) => (
          <textarea {...props} rows={3} maxLength={4000} value={value.description ?? ''}
                    onChange={(e) => set('description', blank(e.target.value))} />
        )}
      </Field>
      <div className="row">
        <Field label={t('content.field.subject')}>
          {(props) => <input {...props} maxLength={100} value={value.subject ?? ''} onChange={(e) => set('subject', blank(e.target.value))} />}
        </Field>
        <Field label={t('content.field.grade')}>
          {(props) => (
            <select {...props} value={value.grade ?? ''} onChange={(e) => set('grade', blank(e.target.value))}>
              <option value="">{t('content.anyGrade')}</option>
              {grades.map((g) => <option key={g} value={g}>{t(`content.grade.${g}`)}</option>)}
            </select>
          )}
        </Field>
      </div>
      <div className="row">
        <Field label={t('content.field.curriculumCode')} hint={t('content.curriculumCodeHint')}>
          {(props) => (
            <input {...props} maxLength={50} value={value.curriculumCode ?? ''} onChange={(e) => set('curriculumCode', blank(e.target.value))} />
          )}
        </Field>
        <Field label={t('content.field.language')}>
          {(props) => (
            <select {...props} value={value.language} onChange={(e) => set('language', e.target.value)}>
              {languages.map((l) => <option key={l} value={l}>{t(`content.language.${l}`)}</option>)}
            </select>
          )}
        </Field>
      </div>
      <Field label={t('content.field.licence')} hint={t('content.licenceHint')}>
        {(props) => (
          <select {...props} value={value.licence} onChange={(e) => set('licence', e.target.value)}>
            {licences.map((l) => <option key={l} value={l}>{t(`content.licence.${l}`)}</option>)}
          </select>
        )}
      </Field>
      <fieldset className="field choice">
        <legend>{t('content.field.visibility')}</legend>
        {visibilities.map((v) => (
          <label key={v} className="choice-option">
            <input type="radio" name="visibility" value={v} checked={value.visibility === v} onChange={() => set('visibility', v)} />
            <span>
              <strong>{t(`content.visibility.${v}`)}</strong>
              <span className="block muted small">{t(`content.visibilityHint.${v}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <Field label={t('content.field.tags')} hint={t('content.tagsHint')} error={fieldErrorText(t, error, 'tags')}>
        {(props) => (
          <input {...props} value={tags} onChange={(e) => { setTags(e.target.value); set('tags', parse(e.target.value)); }} />
        )}
      </Field>
    </>
  );
}

/** A file going up with tus: its progress, a way to stop it, and the server's reason if it is refused. */
export function UploadProgress({ itemId, file, onDone, onError }: {
  itemId: string;
  file: File;
  onDone: () => void;
  onError: (message: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [sent, setSent] = useState(0);
  const handle = useRef<ReturnType<typeof uploadFile> | null>(null);
  const finished = useRef({ onDone, onError });
  finished.current = { onDone, onError };

  useEffect(() => {
    const upload = uploadFile(itemId, file, (bytes) => setSent(bytes));
    handle.current = upload;
    upload.done.then(() => finished.current.onDone(), (error) => {
      const problem = uploadProblem(error);
      finished.current.onError(problem ? uploadErrorText(t, problem.type, problem.detail ?? '') : t('content.uploadFailed'));
    });
    return () => { void upload.abort(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [itemId, file]);

  const percent = file.size ? (sent * 100) / file.size : 0;
  return (
    <div className="upload" data-testid="upload">
      <ProgressBar
        percent={percent}
        label={t('content.uploading', { name: file.name })}
        detail={`${formatBytes(sent, i18n.language)} / ${formatBytes(file.size, i18n.language)}`}
        testId="upload-progress"
      />
      <p className="muted small">{t('content.uploadResumes')}</p>
    </div>
  );
}

function uploadErrorText(t: (key: string) => string, type: string, detail: string): string {
  const kind = type.replace('urn:lms:problem:', '');
  const key = `content.uploadProblem.${kind}`;
  const text = t(key);
  return text === key ? detail : `${text} ${detail}`;
}
