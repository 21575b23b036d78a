import './assessment.css';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { assessment, questionTypes, type ImportProblem } from '../../api/assessment';
import { ErrorMessage, Loading, Notice, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { FilePicker } from '../../components/FilePicker';

/** The institution's question bank: search and filter, import GIFT or QTI, export QTI, add and edit questions. */
export function BankPage() {
  const { t, i18n } = useTranslation();
  const { institutionId = '' } = useParams();
  const [q, setQ] = useState('');
  const [type, setType] = useState('');
  const [tag, setTag] = useState('');
  const [filters, setFilters] = useState({ q: '', type: '', tag: '' });
  const [skip, setSkip] = useState(0);
  const { data, error, loading, reload } = useLoad(
    () => assessment.searchQuestions(institutionId, { ...filters, skip, take: 20 }), [institutionId, filters, skip]);
  const tags = useLoad(() => assessment.tags(institutionId), [institutionId]);
  const [file, setFile] = useState<File | null>(null);
  const [importTags, setImportTags] = useState('');
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<unknown>(null);
  const [imported, setImported] = useState<number | null>(null);
  useTitle(t('bank.title'));

  async function runImport(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setImporting(true);
    setImportError(null);
    setImported(null);
    try {
      const result = await assessment.importQuestions(institutionId, file, importTags.trim() || undefined);
      setImported(result.imported);
      await reload();
      await tags.reload();
    } catch (e) {
      setImportError(e);
    } finally {
      setImporting(false);
    }
  }

  const problems = importError instanceof ApiError && Array.isArray(importError.problem.problems)
    ? importError.problem.problems as ImportProblem[] : null;

  return (
    <div className="page bank-page">
      <div className="page-head">
        <h1>{t('bank.title')}</h1>
        <Link className="btn btn-primary" to={`/institutions/${institutionId}/bank/new`}>{t('bank.newQuestion')}</Link>
      </div>
      <form className="card form filters" onSubmit={(e) => { e.preventDefault(); setSkip(0); setFilters({ q, type, tag }); }} role="search">
        <div className="field"><label htmlFor="bank-q">{t('bank.search')}</label>
          <input id="bank-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} /></div>
        <div className="field"><label htmlFor="bank-type">{t('bank.type')}</label>
          <select id="bank-type" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">{t('bank.allTypes')}</option>
            {questionTypes.map((x) => <option key={x} value={x}>{t(`questionType.${x}`)}</option>)}
          </select></div>
        <div className="field"><label htmlFor="bank-tag">{t('bank.tag')}</label>
          <select id="bank-tag" value={tag} onChange={(e) => setTag(e.target.value)}>
            <option value="">{t('bank.allTags')}</option>
            {tags.data?.map((x) => <option key={x} value={x}>{x}</option>)}
          </select></div>
        <button type="submit" className="btn">{t('bank.filter')}</button>
      </form>

      <details className="card">
        <summary>{t('bank.importExport')}</summary>
        <form className="form" onSubmit={runImport} data-testid="import-form">
          <div className="field">
            <label htmlFor="bank-file">{t('bank.file')}</label>
            <FilePicker id="bank-file" accept=".gift,.txt,.xml,.zip" onFile={setFile} />
            <p className="hint">{t('bank.fileHint')}</p>
          </div>
          <div className="field"><label htmlFor="bank-import-tags">{t('bank.importTags')}</label>
            <input id="bank-import-tags" value={importTags} onChange={(e) => setImportTags(e.target.value)} /></div>
          <button type="submit" className="btn btn-primary" disabled={!file || importing}>{t('bank.import')}</button>
        </form>
        {imported !== null && <Notice testId="import-result">{t('bank.imported', { count: imported })}</Notice>}
        {problems ? (
          <div className="alert alert-error" role="alert" data-testid="import-problems">
            <p>{t('bank.importFailed')}</p>
            <ul>{problems.map((p, i) => <li key={`${p.number}-${i}`}>{t('bank.problem', { n: p.number, question: p.question, reason: p.code ? t(`bank.importReason.${p.code}`, { ...p.args, defaultValue: p.reason }) : p.reason })}</li>)}</ul>
          </div>
        ) : <ErrorMessage error={importError} />}
        <p className="actions">
          <a className="btn" href={assessment.exportUrl(institutionId)} download>{t('bank.exportAll')}</a>
          <a className="btn" href={assessment.exportUrl(institutionId, undefined, 'gift', i18n.language)} download data-testid="export-gift">{t('bank.exportGift')}</a>
        </p>
        <p className="hint">{t('bank.exportGiftHint')}</p>
      </details>

      {!data ? (loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />) : (
        <>
          <p className="muted">{t('bank.count', { count: data.total })}</p>
          <ul className="bank-list">
            {data.items.map((x) => (
              <li key={x.id} className="card bank-item" data-testid="bank-item">
                <Link to={`/questions/${x.id}/edit`} className="bank-title">{x.title}</Link>
                <p className="muted small">
                  {t(`questionType.${x.type}`)} · {t('bank.difficulty', { n: x.difficulty })} · v{x.version}
                  {x.subject && <> · {x.subject}</>}{x.level && <> · {x.level}</>}
                  {x.institutionId !== institutionId && <> · {t('bank.sharedBy', { name: x.institutionName })}</>}
                </p>
                {x.tags.length > 0 && <p className="tags">{x.tags.map((g) => <span key={g} className="badge badge-kind">{g}</span>)}</p>}
              </li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" className="btn" disabled={skip === 0} onClick={() => setSkip((s) => Math.max(0, s - 20))}>{t('common.previousPage')}</button>
            <button type="button" className="btn" disabled={skip + 20 >= data.total} onClick={() => setSkip((s) => s + 20)}>{t('common.nextPage')}</button>
          </div>
        </>
      )}
    </div>
  );
}
