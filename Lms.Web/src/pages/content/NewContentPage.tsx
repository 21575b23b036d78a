import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { acceptedFiles, contentApi, contentTypes, type ContentItem, type ContentType } from '../../api/content';
import { teachingInstitutions, useMe } from '../../auth/AuthContext';
import { ErrorMessage, Field, useTitle } from '../../components/common';
import { namesAnyField } from '../../errors';
import { ContentFieldsForm, emptyFields, UploadProgress } from './ContentForm';
import './content.css';
import { FilePicker } from '../../components/FilePicker';

/** Add to the library: describe the item, choose the file, watch it go up (and on the next page, get processed). */
export function NewContentPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const institutions = teachingInstitutions(me);
  const initial = contentTypes.find((x) => x === params.get('type')) ?? 'video';
  const [type, setType] = useState<ContentType>(initial);
  const [institutionId, setInstitutionId] = useState(institutions[0]?.institutionId ?? '');
  const [fields, setFields] = useState(emptyFields);
  const [file, setFile] = useState<File | null>(null);
  const [fileMissing, setFileMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<ContentItem | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  useTitle(t('content.add'));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (type !== 'link' && !file) {
      setFileMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const title = fields.title.trim() || (file ? file.name.replace(/\.[^.]+$/, '') : '');
      const item = await contentApi.create(institutionId, type, { ...fields, title });
      if (type === 'link') navigate(`/library/${item.id}`);
      else setCreated(item);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (institutions.length === 0) {
    return <div className="page narrow"><p className="alert alert-error" role="alert">{t('content.cannotAdd')}</p></div>;
  }

  if (created && file) {
    return (
      <div className="page narrow">
        <h1>{created.title}</h1>
        {uploadError ? (
          <>
            <p className="alert alert-error" role="alert" data-testid="upload-error">{uploadError}</p>
            <p className="actions">
              <button type="button" className="btn btn-primary" onClick={() => setUploadError(null)}>{t('common.retry')}</button>
              <Link className="btn" to={`/library/${created.id}`}>{t('content.openItem')}</Link>
            </p>
          </>
        ) : (
          <UploadProgress itemId={created.id} file={file}
                          onDone={() => navigate(`/library/${created.id}`)}
                          onError={(message) => setUploadError(message)} />
        )}
      </div>
    );
  }

  return (
    <div className="page narrow">
      <p className="breadcrumb"><Link to="/library">← {t('content.library')}</Link></p>
      <h1>{t('content.add')}</h1>
      <form className="card form" onSubmit={submit} noValidate data-testid="new-content-form">
        {!namesAnyField(error, ['title', 'url', 'tags']) && <ErrorMessage error={error} />}
        <fieldset className="field choice choice-inline">
          <legend>{t('content.field.type')}</legend>
          {contentTypes.map((x) => (
            <label key={x} className="choice-option">
              <input type="radio" name="type" value={x} checked={type === x} onChange={() => { setType(x); setFile(null); }} />
              <span>{t(`content.type.${x}`)}</span>
            </label>
          ))}
        </fieldset>
        {institutions.length > 1 && (
          <Field label={t('content.field.institution')}>
            {(props) => (
              <select {...props} value={institutionId} onChange={(e) => setInstitutionId(e.target.value)}>
                {institutions.map((m) => <option key={m.institutionId} value={m.institutionId}>{m.institutionName}</option>)}
              </select>
            )}
          </Field>
        )}
        {type !== 'link' && (
          <Field label={t('content.field.file')} hint={t(`content.fileHint.${type}`)} error={fileMissing && !file ? t('content.fileMissing') : undefined}>
            {(props) => (
              <FilePicker {...props} accept={acceptedFiles[type]} data-testid="content-file"
                onFile={(chosen) => { setFile(chosen); setFileMissing(false); }} />
            )}
          </Field>
        )}
        <ContentFieldsForm type={type} value={fields} onChange={setFields} error={error} />
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('common.saving') : type === 'link' ? t('content.save') : t('content.saveAndUpload')}
          </button>
          <Link className="btn" to="/library">{t('common.cancel')}</Link>
        </div>
      </form>
    </div>
  );
}
