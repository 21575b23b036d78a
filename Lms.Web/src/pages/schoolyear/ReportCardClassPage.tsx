import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { reportCardApi, reportCardPeriods, type ClassReportCards, type ReportCardPeriod, type ReportCardStudent } from '../../api/reportCards';
import { Badge, ErrorMessage, Loading, Tabs, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';
import { CardSubjects, useResultText, vietnamDay } from './ReportCardParts';
import './schoolyear.css';

/**
 * A class's report cards for a term or the year, for its homeroom teacher and the principal: each student's results,
 * conduct and absences as the card will show them, the homeroom teacher's comment, and the two sign-offs in order
 * (the homeroom teacher, then the principal, which issues the cards).
 */
export function ReportCardClassPage() {
  const { t } = useTranslation();
  const { yearId = '', classId = '' } = useParams();
  const [period, setPeriod] = useState<ReportCardPeriod>('hk1');
  const loaded = useLoad(() => reportCardApi.classCards(yearId, classId, period), [yearId, classId, period]);
  const [changed, setChanged] = useState<ClassReportCards | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const view = changed?.period === period ? changed : loaded.data;
  useTitle(t('schoolYear.reportCard.title'));

  async function act(action: () => Promise<ClassReportCards>) {
    setError(null);
    setBusy(true);
    try {
      setChanged(await action());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page" data-testid="report-card-class">
      <p><Link to="/school-year">← {t('schoolYear.today.title')}</Link></p>
      <h1>{t('schoolYear.reportCard.title')}{view && <> · {view.className} <Badge tone="class">{view.yearName}</Badge></>}</h1>
      <Tabs tabs={reportCardPeriods.map((p) => ({ id: p, label: t(`schoolYear.reportCard.period.${p}`) }))} current={period}
            onChange={(p) => { setPeriod(p); setError(null); }} label={t('schoolYear.reportCard.periods')} />
      <div role="tabpanel" id={`panel-${period}`} aria-labelledby={`tab-${period}`}>
        <ErrorMessage error={loaded.error} onRetry={() => void loaded.reload()} />
        {loaded.loading && !view && <Loading />}
        {view && <SignOff view={view} busy={busy} act={act} />}
        {error != null && <p className="field-error" role="alert" data-testid="report-card-error">{errorText(t, error)}</p>}
        {view && view.students.length === 0 && <p className="empty">{t('schoolYear.reportCard.noStudents')}</p>}
        <ul className="period-list">
          {view?.students.map((s) => <StudentCard key={s.studentId} view={view} student={s} onSaved={setChanged} />)}
        </ul>
      </div>
    </div>
  );
}

function SignOff({ view, busy, act }: { view: ClassReportCards; busy: boolean; act: (action: () => Promise<ClassReportCards>) => Promise<void> }) {
  const { t } = useTranslation();
  const { yearId, classId, period, round, state } = view;
  return (
    <section className="card" aria-label={t(`schoolYear.reportCard.state.${state}`)}>
      <p><Badge tone={state === 'issued' ? 'class' : 'draft'} testId="report-card-state">{t(`schoolYear.reportCard.state.${state}`)}</Badge></p>
      {round && <p>{t('schoolYear.reportCard.homeroomSigned', { name: round.homeroomSignedBy, day: vietnamDay(round.homeroomSignedAt) })}</p>}
      {round?.principalSignedBy && (
        <p>{t('schoolYear.reportCard.principalSigned', { name: round.principalSignedBy, day: vietnamDay(round.principalSignedAt) })}</p>
      )}
      {state !== 'draft' && <p className="muted small">{t('schoolYear.reportCard.frozen')}</p>}
      {state === 'draft' && !view.isHomeroom && <p className="muted">{t('schoolYear.reportCard.waitingHomeroom')}</p>}
      <p className="actions">
        {view.isHomeroom && state !== 'homeroom-signed' && (
          <button type="button" className="btn btn-primary" disabled={busy} data-testid="sign-homeroom"
                  onClick={() => void act(() => reportCardApi.signByHomeroom(yearId, classId, period))}>
            {state === 'issued' ? t('schoolYear.reportCard.signHomeroomAgain') : t('schoolYear.reportCard.signHomeroom')}
          </button>
        )}
        {view.isHomeroom && state === 'homeroom-signed' && (
          <button type="button" className="btn" disabled={busy} data-testid="retract"
                  onClick={() => void act(() => reportCardApi.retract(yearId, classId, period))}>
            {t('schoolYear.reportCard.retract')}
          </button>
        )}
        {view.isAdmin && state === 'homeroom-signed' && (
          <button type="button" className="btn btn-primary" disabled={busy} data-testid="sign-principal"
                  onClick={() => void act(() => reportCardApi.signByPrincipal(yearId, classId, period))}>
            {t('schoolYear.reportCard.signPrincipal')}
          </button>
        )}
      </p>
    </section>
  );
}

function StudentCard({ view, student, onSaved }: { view: ClassReportCards; student: ReportCardStudent; onSaved: (v: ClassReportCards) => void }) {
  const { t } = useTranslation();
  const { rating } = useResultText();
  const [comment, setComment] = useState(student.comment ?? '');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { card } = student;
  const editable = view.isHomeroom && view.state !== 'homeroom-signed';
  const id = `comment-${student.studentId}`;

  async function save() {
    setError(null);
    try {
      onSaved(await reportCardApi.comment(view.yearId, view.classId, view.period, student.studentId, comment.trim() || null));
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <li className="card" data-testid={`report-card-${student.name}`}>
      <h2 className="report-card-name">{student.name}</h2>
      <p>
        <span data-testid="learning-result">{t('schoolYear.reportCard.learningResult', { result: rating(card.learningResult) })}</span> ·{' '}
        <span>{t('schoolYear.reportCard.conduct', { result: rating(card.conduct) })}</span> ·{' '}
        <span>{t('schoolYear.reportCard.absences', { excused: card.attendance.absentExcused, unexcused: card.attendance.absentUnexcused })}</span>
      </p>
      <details>
        <summary>{t('schoolYear.reportCard.subject')}</summary>
        <div className="mark-scroll"><CardSubjects subjects={card.subjects} /></div>
      </details>
      {editable ? (
        <>
          <label htmlFor={id}>{t('schoolYear.reportCard.comment', { name: student.name })}</label>
          <textarea id={id} rows={2} maxLength={2000} value={comment} onChange={(e) => { setComment(e.target.value); setSaved(false); }}
                    data-testid="comment" />
          <p className="actions">
            <button type="button" className="btn btn-small" onClick={() => void save()} data-testid="save-comment">{t('schoolYear.reportCard.saveComment')}</button>
            {saved && <span className="mark-state" role="status">{t('schoolYear.reportCard.commentSaved')}</span>}
          </p>
          {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
        </>
      ) : (
        card.comment && <p><em>{card.comment}</em></p>
      )}
      {student.cardId && (
        <p>
          <a className="btn btn-small" href={reportCardApi.pdfUrl(student.cardId)} download data-testid="card-pdf">
            {view.state === 'issued' ? t('schoolYear.reportCard.download') : t('schoolYear.reportCard.downloadDraft')}
          </a>
        </p>
      )}
    </li>
  );
}
