import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, ProblemTypes } from '../../api/client';
import { api, type RosterOutcome, type RosterProblem } from '../../api/lms';
import { rosterFieldText, rosterProblemText } from '../../errors';
import { ErrorMessage, Field } from '../../components/common';

const template =
  'role,full_name,email,national_id,class,password,parent_of\r\n' +
  'teacher,Nguyễn Văn A,gv.a@truong.edu.vn,,,,\r\n' +
  'student,Trần Thị B,,001208000099,10A1,,\r\n' +
  'parent,Trần Văn C,ph.c@gmail.com,,,,001208000099\r\n';

/** Upload a roster CSV: all rows apply or none; problems by line; new sign-ins to print once. */
export function RosterImport({ institutionId, institutionName, onImported }: {
  institutionId: string; institutionName: string; onImported: () => void;
}) {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<RosterProblem[] | null>(null);
  const [outcome, setOutcome] = useState<RosterOutcome | null>(null);
  const [importedName, setImportedName] = useState('');

  const templateUrl = useMemo(
    () => URL.createObjectURL(new Blob(['\uFEFF' + template], { type: 'text/csv;charset=utf-8' })),
    [],
  );

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
    try {
      const result = await api.importRoster(institutionId, file, i18n.language);
      setOutcome(result);
      setImportedName(file.name);
      setFile(null);
      if (input.current) input.current.value = '';
      onImported();
    } catch (e) {
      if (e instanceof ApiError && e.type === ProblemTypes.rosterInvalid && Array.isArray(e.problem.problems)) {
        setProblems(e.problem.problems as RosterProblem[]);
      } else {
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="roster">
      <section className="card no-print" aria-labelledby="roster-title">
        <h2 id="roster-title">{t('roster.title')}</h2>
        <p>{t('roster.intro')}</p>
        <details className="roster-help">
          <summary>{t('roster.columnsTitle')}</summary>
          <ul>
            {(['role', 'full_name', 'email', 'national_id', 'class', 'password', 'parent_of'] as const).map((column) => (
              <li key={column}><code>{column}</code>: {t(`roster.columns.${column}`)}</li>
            ))}
          </ul>
        </details>
        <p>
          <a href={templateUrl} download="danh-sach-mau.csv">{t('roster.template')}</a>
        </p>
        <form className="form" onSubmit={submit} data-testid="roster-form">
          <Field label={t('roster.file')} hint={t('roster.fileHint')}>
            {(props) => (
              <div className="file-picker">
                <input {...props} ref={input} type="file" accept=".csv,text/csv" className="file-input"
                       onChange={(e) => { setFile(e.target.files?.[0] ?? null); setProblems(null); setError(null); }} />
                <label htmlFor={props.id} className="btn btn-small file-button" aria-hidden="true">{t('roster.choose')}</label>
                <span className={file ? 'file-name' : 'file-name muted'}>{file ? file.name : t('roster.noFile')}</span>
              </div>
            )}
          </Field>
          <button type="submit" className="btn btn-primary" disabled={busy || !file}>
            {busy ? t('roster.importing') : t('roster.submit')}
          </button>
        </form>
        <ErrorMessage error={error} context="roster" />
      </section>

      {problems && (
        <section className="card roster-problems" aria-labelledby="roster-problems-title" data-testid="roster-problems">
          <div className="alert alert-error" role="alert">
            <h3 id="roster-problems-title">{t('roster.problemsTitle', { count: problems.length })}</h3>
            <p>{t('roster.nothingImported')}</p>
          </div>
          <div className="table-wrap">
            <table className="stack-table">
              <thead>
                <tr>
                  <th scope="col">{t('roster.line')}</th>
                  <th scope="col">{t('roster.column')}</th>
                  <th scope="col">{t('roster.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p, i) => (
                  <tr key={i} data-testid="roster-problem" data-code={p.code}>
                    <td className="num" data-label={t('roster.line')}>{p.line}</td>
                    <td data-label={t('roster.column')}>{rosterFieldText(t, p.field)}</td>
                    <td data-label={t('roster.problem')}>{rosterProblemText(t, p.code, p.message)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      {outcome && (
        <section className="card roster-result printable" aria-labelledby="roster-result-title" data-testid="roster-result">
          <div className="no-print alert alert-success" role="status">
            <h3 id="roster-result-title">{t('roster.doneTitle', { file: importedName })}</h3>
          </div>
          <h3 className="print-only">{institutionName}</h3>
          <dl className="counts">
            <div><dt>{t('roster.peopleCreated')}</dt><dd data-testid="roster-created">{outcome.peopleCreated}</dd></div>
            <div><dt>{t('roster.peopleAlreadyThere')}</dt><dd>{outcome.peopleAlreadyThere}</dd></div>
            <div><dt>{t('roster.membershipsAdded')}</dt><dd>{outcome.membershipsAdded}</dd></div>
            <div><dt>{t('roster.classesCreated')}</dt><dd>{outcome.classesCreated}</dd></div>
            <div><dt>{t('roster.parentLinksAdded')}</dt><dd>{outcome.parentLinksAdded}</dd></div>
          </dl>
          {outcome.invitations.length > 0 && (
            <>
              <h3>{t('roster.invitationsTitle')}</h3>
              <p className="hint no-print">{t('roster.invitationsHint', { url: `${window.location.origin}/set-password` })}</p>
              <div className="table-wrap">
                <table className="stack-table" data-testid="roster-credentials">
                  <thead>
                    <tr>
                      <th scope="col">{t('roster.line')}</th>
                      <th scope="col">{t('roster.name')}</th>
                      <th scope="col">{t('roster.login')}</th>
                      <th scope="col">{t('roster.invitation')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {outcome.invitations.map((c) => (
                      <tr key={`${c.line}-${c.login}`}>
                        <td className="num" data-label={t('roster.line')}>{c.line}</td>
                        <td data-label={t('roster.name')}>{c.displayName}</td>
                        <td className="mono" data-label={t('roster.login')}>{c.login}</td>
                        <td className="mono" data-label={t('roster.invitation')} data-testid="invitation-code">
                          {c.code ?? t('roster.invitationEmailed')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <button type="button" className="btn no-print" onClick={() => window.print()}>{t('roster.print')}</button>
            </>
          )}
        </section>
      )}
    </div>
  );
}
