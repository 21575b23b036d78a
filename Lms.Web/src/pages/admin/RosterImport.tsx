import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import i18n from 'i18next';
import { ApiError, ProblemTypes } from '../../api/client';
import { ErrorMessage, Field } from '../../components/common';
import { rosterFieldText } from '../../errors';
import {
  download, followJob, isFinal, rosterImports, type RosterImportView, type RosterMode, type RosterNotice, type RosterProblem,
} from './rosterImportApi';
import { RosterUpdatePreview } from './RosterUpdatePreview';
import { FilePicker } from '../../components/FilePicker';

const template =
  'role;full_name;email;national_id;class;password;parent_of\r\n' +
  'teacher;Nguyễn Văn A;gv.a@truong.edu.vn;;;;\r\n' +
  'student;Trần Thị B;;001208000099;10A1;;\r\n' +
  'parent;Trần Văn C;ph.c@gmail.com;;;;001208000099\r\n';

/** A problem in the reader's language, from its code and parameters (the server's English only for a code this app does not know). */
function problemText(t: TFunction, problem: RosterProblem): string {
  const key = `roster.code.${problem.code}`;
  return i18n.exists(key) ? t(key, { ...problem.params, lines: (problem.lines ?? [problem.line]).join(', ') }) : problem.message;
}

function noticeText(t: TFunction, notice: RosterNotice): string {
  return t(`roster.notice.${notice.code}`, notice.params);
}

/**
 * Upload a roster: the whole file is checked at once (every problem with its lines); a clean file is imported
 * as a background job whose progress shows here, and the page comes back to it after a reload. The sign-in
 * slips (PDF) can be printed again until everyone has chosen a password.
 */
export function RosterImport({ institutionId, onImported }: {
  institutionId: string; institutionName: string; onImported: () => void;
}) {
  const { t, i18n: i18next } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<RosterProblem[] | null>(null);
  const [notices, setNotices] = useState<RosterNotice[]>([]);
  const [current, setCurrent] = useState<RosterImportView | null>(null);
  const [printing, setPrinting] = useState(false);
  const [mode, setMode] = useState<RosterMode>('add');
  const [disableAbsent, setDisableAbsent] = useState(false);
  const notified = useRef<string | null>(null);

  const templateUrl = useMemo(
    () => URL.createObjectURL(new Blob(['\uFEFF' + template], { type: 'text/csv;charset=utf-8' })),
    [],
  );

  // Coming back to the page (or reloading it): the latest import, running or finished.
  useEffect(() => {
    let stopped = false;
    rosterImports.latest(institutionId).then((latest) => { if (!stopped && latest) setCurrent(latest); }, () => undefined);
    return () => { stopped = true; };
  }, [institutionId]);

  const refresh = useCallback(async (importId: string) => {
    const view = await rosterImports.get(institutionId, importId);
    setCurrent(view);
    if (isFinal(view.state) && notified.current !== view.id) {
      notified.current = view.id;
      onImported();
    }
  }, [institutionId, onImported]);

  const jobId = current && !isFinal(current.state) ? current.jobId : null;
  const importId = current?.id;
  useEffect(() => {
    if (!jobId || !importId) return;
    return followJob(jobId, (event) => {
      setCurrent((view) => (view && view.jobId === event.jobId ? { ...view, state: event.state, progress: event.progress } : view));
      if (isFinal(event.state)) void refresh(importId).catch(setError);
    });
  }, [jobId, importId, refresh]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setProblems(null);
    setNotices([]);
    try {
      const queued = await rosterImports.queue(institutionId, file, i18next.language, mode, mode === 'update' && disableAbsent);
      setCurrent(queued);
      setNotices(queued.notices);
      setFile(null);
      if (input.current) input.current.value = '';
    } catch (e) {
      if (e instanceof ApiError && e.type === ProblemTypes.rosterInvalid && Array.isArray(e.problem.problems)) {
        setProblems(e.problem.problems as RosterProblem[]);
        setNotices(Array.isArray(e.problem.notices) ? (e.problem.notices as RosterNotice[]) : []);
      } else {
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  }

  async function printSlips() {
    if (!current) return;
    setPrinting(true);
    setError(null);
    try {
      download(await rosterImports.slips(institutionId, current.id), `phieu-dang-nhap-${current.createdAt.slice(0, 10)}.pdf`);
      await refresh(current.id);
    } catch (e) {
      setError(e);
    } finally {
      setPrinting(false);
    }
  }

  const running = current !== null && !isFinal(current.state);
  const percent = current ? Math.round(current.progress * 100) : 0;

  return (
    <div className="roster">
      <section className="card" aria-labelledby="roster-title">
        <h2 id="roster-title">{t('roster.title')}</h2>
        <p>{t('roster.introJob')}</p>
        <details className="roster-help">
          <summary>{t('roster.columnsTitle')}</summary>
          <ul>
            {(['role', 'full_name', 'email', 'national_id', 'class', 'password', 'parent_of'] as const).map((column) => (
              <li key={column}><code>{column}</code>: {t(`roster.columns.${column}`)}</li>
            ))}
          </ul>
          <p className="hint">{t('roster.columnsExtra')}</p>
        </details>
        <p>
          <a href={templateUrl} download="danh-sach-mau.csv">{t('roster.template')}</a>
        </p>
        <form className="form" onSubmit={submit} data-testid="roster-form">
          <Field label={t('roster.file')} hint={t('roster.fileHint')}>
            {(props) => (
              <FilePicker {...props} inputRef={input} accept=".csv,text/csv" file={file}
                onFile={(chosen) => { setFile(chosen); setProblems(null); setError(null); }} />
            )}
          </Field>
          <fieldset className="field" data-testid="roster-mode">
            <legend>{t('rosterUpdate.modeLabel')}</legend>
            {(['add', 'update'] as const).map((m) => (
              <label key={m} className="choice-option">
                <input type="radio" name="roster-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
                {' '}{t(m === 'add' ? 'rosterUpdate.modeAdd' : 'rosterUpdate.modeUpdate')}
              </label>
            ))}
            {mode === 'update' && (
              <>
                <p className="hint">{t('rosterUpdate.modeHint')}</p>
                <label className="check">
                  <input type="checkbox" checked={disableAbsent} onChange={(e) => setDisableAbsent(e.target.checked)} />
                  {' '}{t('rosterUpdate.disableAbsent')}
                </label>
                <p className="hint">{t('rosterUpdate.disableAbsentHint')}</p>
              </>
            )}
          </fieldset>
          <button type="submit" className="btn btn-primary" disabled={busy || running || !file}>
            {busy ? t('roster.checking') : t(mode === 'update' ? 'rosterUpdate.submit' : 'roster.submit')}
          </button>
        </form>
        <ErrorMessage error={error} context="roster" />
      </section>

      {notices.length > 0 && (
        <section className="card" aria-label={t('roster.noticesTitle')} data-testid="roster-notices">
          <h3>{t('roster.noticesTitle')}</h3>
          <ul>{notices.map((n, i) => <li key={i}>{noticeText(t, n)}</li>)}</ul>
        </section>
      )}

      {problems && <ProblemTable problems={problems} title={t('roster.problemsTitle', { count: problems.length })} />}

      {current && (
        <section className="card roster-result" aria-labelledby="roster-job-title" data-testid="roster-job" data-state={current.state}>
          <h3 id="roster-job-title">{t('roster.jobTitle', { file: current.fileName, rows: current.rows })}</h3>
          {running && (
            <div role="status">
              <p>{current.state === 'queued' ? t('roster.jobQueued') : t('roster.jobRunning', { percent })}</p>
              <progress max={100} value={percent} aria-label={t('roster.progress')} data-testid="roster-progress" />
              <p className="hint">{t('roster.jobLeave')}</p>
            </div>
          )}
          {current.state === 'succeeded' && current.mode === 'update' && !current.confirmedAt && current.previewCounts && (
            <RosterUpdatePreview institutionId={institutionId} view={current} onApplied={(view) => { setCurrent(view); onImported(); }} />
          )}
          {current.state === 'succeeded' && current.outcome && (
            <>
              <div className="alert alert-success" role="status" data-testid={current.confirmedAt ? 'roster-applied' : undefined}>
                {current.confirmedAt ? t('rosterUpdate.applied') : t('roster.jobDone')}
              </div>
              <dl className="counts">
                <div><dt>{t('roster.peopleCreated')}</dt><dd data-testid="roster-created">{current.outcome.peopleCreated}</dd></div>
                <div><dt>{t('roster.peopleAlreadyThere')}</dt><dd>{current.outcome.peopleAlreadyThere}</dd></div>
                <div><dt>{t('roster.membershipsAdded')}</dt><dd>{current.outcome.membershipsAdded}</dd></div>
                <div><dt>{t('roster.classesCreated')}</dt><dd>{current.outcome.classesCreated}</dd></div>
                <div><dt>{t('roster.parentLinksAdded')}</dt><dd>{current.outcome.parentLinksAdded}</dd></div>
                <div><dt>{t('roster.emailed')}</dt><dd>{current.outcome.emailed}</dd></div>
              </dl>
              <h4>{t('roster.slipsTitle')}</h4>
              {current.slipsWaiting > 0 ? (
                <>
                  <p data-testid="roster-slips-waiting">{t('roster.slipsWaiting', { count: current.slipsWaiting })}</p>
                  <p className="hint">{t('roster.slipsHint')}</p>
                  <button type="button" className="btn btn-primary" onClick={printSlips} disabled={printing} data-testid="roster-slips">
                    {printing ? t('roster.slipsPreparing') : t('roster.slipsDownload')}
                  </button>
                </>
              ) : (
                <p>{t('roster.slipsNone')}</p>
              )}
            </>
          )}
          {(current.state === 'failed' || current.state === 'cancelled') && (
            <>
              <div className="alert alert-error" role="alert">{t('roster.jobFailed')}</div>
              {current.problems.length > 0 && <ProblemTable problems={current.problems} title={t('roster.problemsTitle', { count: current.problems.length })} />}
            </>
          )}
        </section>
      )}
    </div>
  );
}

function ProblemTable({ problems, title }: { problems: RosterProblem[]; title: string }) {
  const { t } = useTranslation();
  return (
    <section className="card roster-problems" aria-label={title} data-testid="roster-problems">
      <div className="alert alert-error" role="alert">
        <h3>{title}</h3>
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
                <td className="num" data-label={t('roster.line')}>{(p.lines ?? [p.line]).join(', ')}</td>
                <td data-label={t('roster.column')}>{rosterFieldText(t, p.field)}</td>
                <td data-label={t('roster.problem')}>{problemText(t, p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
