import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, request } from '../../api/client';
import { ErrorMessage, Field } from '../../components/common';
import { FilePicker } from '../../components/FilePicker';
import i18n from '../../i18n';
import words from '../../i18n/vi/oneroster.json';

// The Vietnamese words of this section come with it, not with every page (English holds every file: i18n/en.ts).
i18n.addResourceBundle('vi', 'translation', words, true, false);

const oneRosterInvalid = 'urn:lms:problem:oneroster-invalid';

interface OneRosterProblem { file: string; line: number; column: string; code: string; message: string; params: Record<string, string> }
interface OneRosterNotice { code: string; params: Record<string, string> }
interface OneRosterOutcome {
  peopleCreated: number; peopleJoined: number; peopleRenamed: number; rolesAdded: number; classesCreated: number;
  classesRenamed: number; classMembershipsAdded: number; parentLinksAdded: number; sessionsLinked: number;
}

const counts: (keyof OneRosterOutcome)[] = [
  'peopleCreated', 'peopleJoined', 'peopleRenamed', 'rolesAdded', 'classesCreated', 'classesRenamed', 'classMembershipsAdded',
  'parentLinksAdded', 'sessionsLinked',
];

/** A problem in the reader's language from its code (the server's English only for a code this page does not know). */
function problemText(t: TFunction, p: OneRosterProblem): string {
  const key = `oneRoster.code.${p.code}`;
  return i18n.exists(key) ? t(key, { ...p.params, column: p.params.column ?? p.column }) : p.message;
}

function noticeText(t: TFunction, n: OneRosterNotice): string {
  const key = `oneRoster.notice.${n.code}`;
  return i18n.exists(key) ? t(key, n.params) : n.code;
}

/**
 * OneRoster 1.2 CSV on the roster tab: import a student information system's zip (every problem of every file with
 * its file, line and column, nothing written while there is one) and export the school's roster as such a zip.
 */
export function OneRosterImport({ institutionId, onImported }: { institutionId: string; onImported: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<OneRosterProblem[] | null>(null);
  const [notices, setNotices] = useState<OneRosterNotice[]>([]);
  const [outcome, setOutcome] = useState<OneRosterOutcome | null>(null);
  const base = `/api/institutions/${encodeURIComponent(institutionId)}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setProblems(null);
    setOutcome(null);
    setNotices([]);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const result = await request<{ outcome: OneRosterOutcome; notices: OneRosterNotice[] }>(`${base}/oneroster`, { method: 'POST', body: form });
      setOutcome(result.outcome);
      setNotices(result.notices);
      onImported();
    } catch (e) {
      if (e instanceof ApiError && e.type === oneRosterInvalid && Array.isArray(e.problem.problems)) {
        setProblems(e.problem.problems as OneRosterProblem[]);
        setNotices(Array.isArray(e.problem.notices) ? (e.problem.notices as OneRosterNotice[]) : []);
      } else {
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card oneroster" aria-labelledby="oneroster-title" data-testid="oneroster">
      <h2 id="oneroster-title">{t('oneRoster.title')}</h2>
      <p>{t('oneRoster.intro')}</p>
      <form className="form" onSubmit={submit} data-testid="oneroster-form">
        <Field label={t('oneRoster.file')} hint={t('oneRoster.fileHint')}>
          {(props) => (
            <FilePicker {...props} inputRef={input} accept=".zip,application/zip" file={file}
              onFile={(chosen) => { setFile(chosen); setProblems(null); setError(null); setOutcome(null); }} />
          )}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy || !file}>
          {busy ? t('oneRoster.importing') : t('oneRoster.submit')}
        </button>
      </form>
      <p>
        <a className="btn" href={`${base}/oneroster.zip`} download data-testid="oneroster-export">{t('oneRoster.export')}</a>
      </p>
      <p className="hint">{t('oneRoster.exportHint')}</p>
      <ErrorMessage error={error} />

      {outcome && (
        <>
          <div className="alert alert-success" role="status" data-testid="oneroster-done">{t('oneRoster.done')}</div>
          <dl className="counts">
            {counts.map((c) => (
              <div key={c}><dt>{t(`oneRoster.count.${c}`)}</dt><dd data-testid={`oneroster-${c}`}>{outcome[c]}</dd></div>
            ))}
          </dl>
        </>
      )}

      {notices.length > 0 && (
        <div data-testid="oneroster-notices">
          <h3>{t('oneRoster.noticesTitle')}</h3>
          <ul>{notices.map((n, i) => <li key={i}>{noticeText(t, n)}</li>)}</ul>
        </div>
      )}

      {problems && (
        <div className="roster-problems" data-testid="oneroster-problems">
          <div className="alert alert-error" role="alert">
            <h3>{t('oneRoster.problemsTitle', { count: problems.length })}</h3>
            <p>{t('oneRoster.nothingImported')}</p>
          </div>
          <div className="table-wrap">
            <table className="stack-table">
              <thead>
                <tr>
                  <th scope="col">{t('oneRoster.fileColumn')}</th>
                  <th scope="col">{t('oneRoster.line')}</th>
                  <th scope="col">{t('oneRoster.column')}</th>
                  <th scope="col">{t('oneRoster.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p, i) => (
                  <tr key={i} data-testid="oneroster-problem" data-code={p.code}>
                    <td data-label={t('oneRoster.fileColumn')}><code>{p.file}</code></td>
                    <td className="num" data-label={t('oneRoster.line')}>{p.line > 0 ? p.line : ''}</td>
                    <td data-label={t('oneRoster.column')}><code>{p.column}</code></td>
                    <td data-label={t('oneRoster.problem')}>{problemText(t, p)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
