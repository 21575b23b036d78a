import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { acceptedFiles, contentApi, type ContentFields, type ContentItem, type ContentVersion } from '../../api/content';
import { Badge, ConfirmButton, ErrorMessage, Field, Loading, Notice, useTitle } from '../../components/common';
import { formatDateTime } from '../../format';
import { ContentFieldsForm, UploadProgress } from './ContentForm';
import { ContentMedia, failureText, ProcessingStatus, useContentItem } from './ContentMedia';
import { formatBytes, formatClock } from './format';
import { TypeIcon } from './LibraryPage';
import './content.css';
import { FilePicker } from '../../components/FilePicker';

const licenceDeeds: Record<string, string> = {
  'cc-by': 'https://creativecommons.org/licenses/by/4.0/deed.vi',
  'cc-by-sa': 'https://creativecommons.org/licenses/by-sa/4.0/deed.vi',
  'cc-by-nd': 'https://creativecommons.org/licenses/by-nd/4.0/deed.vi',
  'cc-by-nc': 'https://creativecommons.org/licenses/by-nc/4.0/deed.vi',
  'cc-by-nc-sa': 'https://creativecommons.org/licenses/by-nc-sa/4.0/deed.vi',
  'cc-by-nc-nd': 'https://creativecommons.org/licenses/by-nc-nd/4.0/deed.vi',
  cc0: 'https://creativecommons.org/publicdomain/zero/1.0/deed.vi',
};

/** One library item: its media (or its processing, or why it was refused), its description, and for its owner the tools. */
export function ContentItemPage() {
  const { t, i18n } = useTranslation();
  const { itemId = '' } = useParams();
  const { item, error, reload } = useContentItem(itemId);
  useTitle(item?.title);

  if (!item) return <div className="page">{error ? <ErrorMessage error={error} onRetry={reload} /> : <Loading />}</div>;

  const failure = item.lastFailure;
  return (
    <div className="page content-page" data-testid="content-page" data-status={item.status}>
      <p className="breadcrumb"><Link to="/library">← {t('content.library')}</Link></p>
      <header className="content-head">
        <div className="course-card-badges">
          <Badge tone="kind">{t(`content.type.${item.type}`)}</Badge>
          <Badge tone={item.status === 'ready' ? 'published' : item.status === 'failed' ? 'failed' : 'draft'} testId="content-status">
            {t(`content.status.${item.status}`)}
          </Badge>
          <Badge tone="class">{t(`content.visibility.${item.visibility}`)}</Badge>
        </div>
        <h1><TypeIcon type={item.type} /> {item.title}</h1>
      </header>

      <ProcessingStatus item={item} onFinished={reload} />
      {failure && item.canEdit && (
        <div className="alert alert-error" role="alert" data-testid="content-failure">
          <div>
            <h2>{t('content.refused', { version: failure.versionNumber })}</h2>
            <p>{failureText(t, failure.code, failure.message)}</p>
          </div>
        </div>
      )}
      {item.status === 'draft' && item.canEdit && <p className="muted">{t('content.noFileYet')}</p>}

      {item.type === 'link' && item.url ? (
        <p>
          <a className="btn btn-primary" href={item.url} target="_blank" rel="noopener noreferrer">{t('course.openLink')} ↗</a>
          <span className="link-host muted">{item.url}</span>
        </p>
      ) : (
        <ContentMedia item={item} />
      )}

      <section className="card content-about" aria-labelledby="about-title">
        <h2 id="about-title" className="visually-hidden">{t('content.about')}</h2>
        {item.description && <p className="content-description">{item.description}</p>}
        <dl className="facts">
          {item.subject && <><dt>{t('content.field.subject')}</dt><dd>{item.subject}</dd></>}
          {item.grade && <><dt>{t('content.field.grade')}</dt><dd>{t(`content.grade.${item.grade}`, { defaultValue: item.grade })}</dd></>}
          {item.curriculumCode && <><dt>{t('content.field.curriculumCode')}</dt><dd className="mono">{item.curriculumCode}</dd></>}
          <dt>{t('content.field.language')}</dt><dd>{t(`content.language.${item.language}`, { defaultValue: item.language })}</dd>
          <dt>{t('content.field.licence')}</dt>
          <dd>
            {licenceDeeds[item.licence]
              ? <a href={licenceDeeds[item.licence]} target="_blank" rel="noopener noreferrer">{t(`content.licence.${item.licence}`)}</a>
              : t(`content.licence.${item.licence}`, { defaultValue: item.licence })}
          </dd>
          <dt>{t('content.owner')}</dt><dd>{item.ownerName} · {item.institutionName}</dd>
          <dt>{t('content.updated')}</dt><dd>{formatDateTime(item.updatedAt, i18n.language)}</dd>
          {item.tags.length > 0 && (
            <><dt>{t('content.field.tags')}</dt><dd>{item.tags.map((tag) => <Link key={tag} className="tag" to={`/library?tag=${encodeURIComponent(tag)}`}>#{tag}</Link>)}</dd></>
          )}
        </dl>
      </section>

      {item.canEdit && <Manage item={item} onChanged={reload} />}
    </div>
  );
}

/** The owner's (and admins') tools: describe, new version, subtitles, versions, delete. */
function Manage({ item, onChanged }: { item: ContentItem; onChanged: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const processing = item.status === 'processing' || item.job?.state === 'queued' || item.job?.state === 'running';

  return (
    <section className="manage" aria-labelledby="manage-title">
      <h2 id="manage-title">{t('content.manage')}</h2>
      <ErrorMessage error={error} />
      {editing ? (
        <EditForm item={item} onDone={() => { setEditing(false); onChanged(); }} onCancel={() => setEditing(false)} />
      ) : (
        <p className="actions">
          <button type="button" className="btn" onClick={() => setEditing(true)}>{t('content.editDetails')}</button>
          {processing && (
            <ConfirmButton label={t('content.cancelProcessing')} confirmLabel={t('content.confirmCancelProcessing')}
                           onConfirm={async () => { try { await contentApi.cancel(item.id); onChanged(); } catch (e) { setError(e); } }} />
          )}
          <ConfirmButton label={t('content.delete')} confirmLabel={t('content.confirmDelete')}
                         onConfirm={async () => {
                           try {
                             await contentApi.remove(item.id);
                             navigate('/library', { replace: true });
                           } catch (e) {
                             setError(e);
                           }
                         }} />
        </p>
      )}
      {item.courseUses > 0 && <p className="muted small">{t('content.usedInCourses', { count: item.courseUses })}</p>}
      {item.type !== 'link' && !processing && <NewVersion item={item} onUploaded={onChanged} />}
      {(item.type === 'video' || item.type === 'audio') && <SubtitlesPanel item={item} onChanged={onChanged} />}
      {item.type !== 'link' && <Versions item={item} onChanged={onChanged} />}
    </section>
  );
}

function EditForm({ item, onDone, onCancel }: { item: ContentItem; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [fields, setFields] = useState<ContentFields>({
    title: item.title, description: item.description, subject: item.subject, grade: item.grade,
    curriculumCode: item.curriculumCode, language: item.language, licence: item.licence, visibility: item.visibility,
    tags: item.tags, url: item.url,
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await contentApi.update(item.id, fields);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={save} noValidate aria-label={t('content.editDetails')}>
      <ErrorMessage error={error} />
      <ContentFieldsForm type={item.type} value={fields} onChange={setFields} error={error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? t('common.saving') : t('common.save')}</button>
        <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function NewVersion({ item, onUploaded }: { item: ContentItem; onUploaded: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const type = item.type as Exclude<ContentItem['type'], 'link'>;
  return (
    <div className="card">
      <h3>{item.media || item.lastFailure ? t('content.newVersion') : t('content.uploadFile')}</h3>
      {failed && <p className="alert alert-error" role="alert">{failed}</p>}
      {uploading && file ? (
        <UploadProgress itemId={item.id} file={file}
                        onDone={() => { setUploading(false); setFile(null); onUploaded(); }}
                        onError={(message) => { setUploading(false); setFailed(message); }} />
      ) : (
        <form className="row" onSubmit={(e) => { e.preventDefault(); if (file) { setFailed(null); setUploading(true); } }}>
          <Field label={t('content.field.file')} hint={t(`content.fileHint.${type}`)}>
            {(props) => <FilePicker {...props} accept={acceptedFiles[type]} onFile={setFile} />}
          </Field>
          <button type="submit" className="btn btn-primary" disabled={!file}>{t('content.upload')}</button>
        </form>
      )}
    </div>
  );
}

function SubtitlesPanel({ item, onChanged }: { item: ContentItem; onChanged: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [language, setLanguage] = useState('vi');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState(false);

  async function add(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await contentApi.addSubtitles(item.id, file, language, label.trim() || t(`content.language.${language}`));
      setFile(null);
      setLabel('');
      setAdded(true);
      (event.target as HTMLFormElement).reset();
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card">
      <h3>{t('content.subtitles')}</h3>
      {item.subtitles.length === 0 && <p className="muted small">{t('content.noSubtitles')}</p>}
      <ul className="plain-list">
        {item.subtitles.map((s) => (
          <li key={s.id}>
            <span>{s.label} ({s.language})</span>{' '}
            <ConfirmButton label={t('common.delete')} confirmLabel={t('content.confirmDeleteSubtitles')}
                           onConfirm={async () => { await contentApi.removeSubtitles(item.id, s.id); onChanged(); }} />
          </li>
        ))}
      </ul>
      {added && <Notice>{t('content.subtitlesAdded')}</Notice>}
      <ErrorMessage error={error} />
      <form onSubmit={add} className="form">
        <Field label={t('content.subtitleFile')} hint={t('content.subtitleHint')}>
          {(props) => <FilePicker {...props} accept=".vtt,.srt,text/vtt" onFile={setFile} />}
        </Field>
        <div className="row">
          <Field label={t('content.field.language')}>
            {(props) => (
              <select {...props} value={language} onChange={(e) => setLanguage(e.target.value)}>
                {['vi', 'en', 'fr', 'zh', 'ja', 'ko', 'km', 'lo'].map((l) => <option key={l} value={l}>{t(`content.language.${l}`)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('content.subtitleLabel')}>
            {(props) => <input {...props} maxLength={100} value={label} onChange={(e) => setLabel(e.target.value)} />}
          </Field>
        </div>
        <button type="submit" className="btn" disabled={!file || busy}>{t('content.addSubtitles')}</button>
      </form>
    </div>
  );
}

function Versions({ item, onChanged }: { item: ContentItem; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [versions, setVersions] = useState<ContentVersion[] | null>(null);
  useEffect(() => {
    if (open) contentApi.versions(item.id).then(setVersions, () => setVersions([]));
  }, [open, item]);
  return (
    <details className="card versions" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('content.versions')}</summary>
      {versions === null ? <Loading /> : (
        <ol className="plain-list">
          {versions.map((v) => (
            <li key={v.id} className="version">
              <strong>{t('content.versionNumber', { n: v.number })}</strong>{' '}
              <Badge tone={v.status === 'ready' ? 'published' : v.status === 'processing' ? 'draft' : 'failed'}>{t(`content.versionStatus.${v.status}`)}</Badge>
              {v.current && <> <Badge tone="role-owner">{t('content.current')}</Badge></>}
              <span className="block muted small">
                {v.sourceName} · {formatBytes(v.sourceBytes + v.outputBytes, i18n.language)}
                {v.durationSeconds != null && <> · {formatClock(v.durationSeconds)}</>} · {formatDateTime(v.createdAt, i18n.language)}
              </span>
              {v.errorMessage && <span className="block small field-error">{failureText(t, v.errorCode, v.errorMessage)}</span>}
              {!v.current && v.status !== 'processing' && (
                <ConfirmButton label={t('common.delete')} confirmLabel={t('content.confirmDeleteVersion')}
                               onConfirm={async () => { await contentApi.removeVersion(item.id, v.id); setVersions(null); onChanged(); }} />
              )}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
