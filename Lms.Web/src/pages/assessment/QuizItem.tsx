import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { assessment } from '../../api/assessment';
import type { ItemCreateProps, ItemViewProps } from '../../components/itemKindSpec';
import { ErrorMessage, Field, Loading } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatDateTime } from '../../format';
import { deviceId } from './offlineStore';
import { Rich } from './Rich';
import './assessment.css';

/** A quiz opened from the course outline: for a student, start or continue and past attempts; for a teacher, the tools. */
export function QuizItemView({ item }: ItemViewProps) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { data: quiz, error, loading, reload } = useLoad(() => assessment.quiz(item.refId ?? ''), [item.refId]);
  const [startError, setStartError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  if (!item.refId) return null;
  if (!quiz) return loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />;
  const s = quiz.settings;
  const open = quiz.myAttempts.find((a) => a.status === 'in_progress');

  async function start() {
    setStarting(true);
    setStartError(null);
    try {
      const attempt = await assessment.start(quiz!.id, deviceId());
      navigate(`/attempts/${attempt.id}`);
    } catch (e) {
      setStartError(e);
    } finally {
      setStarting(false);
    }
  }

  return (
    <div className="quiz-item" data-testid="quiz-item">
      {s.description && <Rich html={s.description} />}
      <ul className="quiz-facts">
        <li>{t('quiz.questions', { count: quiz.questionCount })} · {t('quiz.maxPoints', { points: quiz.maxPoints })}</li>
        <li>{s.timeLimitSeconds ? t('quiz.timeLimit', { minutes: Math.round(s.timeLimitSeconds / 60 * 10) / 10 }) : t('quiz.noTimeLimit')}</li>
        {s.openAt && <li>{t('quiz.opens', { time: formatDateTime(s.openAt, i18n.language) })}</li>}
        {s.closeAt && <li>{t('quiz.closes', { time: formatDateTime(s.closeAt, i18n.language) })}</li>}
        <li>{s.attemptsAllowed > 0 ? t('quiz.attemptsAllowed', { count: s.attemptsAllowed }) : t('quiz.unlimitedAttempts')} · {t(`quiz.method.${s.gradingMethod}`)}</li>
        <li>{t('quiz.passMark', { percent: s.passMark })}</li>
        {s.requireFullScreen && <li>{t('quiz.fullScreen')}</li>}
      </ul>
      {quiz.canLearn && (
        <>
          {quiz.myGrade && quiz.myGrade.attempts > 0 && (
            <p className="quiz-grade" data-testid="my-grade">
              {t('quiz.myGrade', { percent: quiz.myGrade.percent ?? 0 })}{' '}
              {quiz.myGrade.pending ? t('quiz.pending') : quiz.myGrade.passed ? t('quiz.passed') : t('quiz.notPassed')}
            </p>
          )}
          <div className="actions">
            {(open || quiz.attemptsLeft !== 0) && (
              <button type="button" className="btn btn-primary" disabled={starting} onClick={() => void start()} data-testid="start-quiz">
                {open ? t('quiz.continue') : quiz.myAttempts.length > 0 ? t('quiz.startAgain') : t('quiz.start')}
              </button>
            )}
            {quiz.attemptsLeft !== null && <span className="muted small">{t('quiz.attemptsLeft', { count: quiz.attemptsLeft })}</span>}
          </div>
          <ErrorMessage error={startError} context="quiz" />
          {quiz.myAttempts.length > 0 && (
            <table className="table">
              <caption className="visually-hidden">{t('quiz.myAttempts')}</caption>
              <thead><tr><th>{t('quiz.attempt')}</th><th>{t('quiz.status')}</th><th>{t('quiz.score')}</th></tr></thead>
              <tbody>
                {quiz.myAttempts.map((a) => (
                  <tr key={a.id}>
                    <td>{a.number}</td>
                    <td>{a.status === 'in_progress' ? t('quiz.inProgress') : formatDateTime(a.submittedAt, i18n.language)}</td>
                    <td>
                      {a.status === 'submitted'
                        ? <Link to={`/attempts/${a.id}/review`}>{a.scoreVisible && a.score !== null ? `${a.score}/${a.maxScore}` : t('quiz.review')}</Link>
                        : <Link to={`/attempts/${a.id}`}>{t('quiz.continue')}</Link>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {quiz.canTeach && (
        <div className="actions wrap">
          <Link className="btn btn-primary" to={`/quizzes/${quiz.id}/edit`}>{t('quiz.build')}</Link>
          <Link className="btn" to={`/quizzes/${quiz.id}/results`}>{t('quiz.results')}</Link>
          <Link className="btn" to={`/courses/${quiz.courseId}/grading`}>{t('quiz.gradingQueue')}</Link>
          <Link className="btn" to={`/courses/${quiz.courseId}/gradebook`}>{t('quiz.gradebook')}</Link>
        </div>
      )}
    </div>
  );
}

/** The outline editor's form for a new quiz: a title; the rest is set in the quiz builder. */
export function QuizItemCreate({ course, module, onCancel, onDone }: ItemCreateProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await assessment.createQuiz(course.id, module.id, title.trim());
      onDone();
      navigate(`/quizzes/${created.quizId}/edit`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="form" onSubmit={create} noValidate data-testid="quiz-create-form">
      <ErrorMessage error={error} />
      <Field label={t('quiz.title')}>
        {(props) => <input {...props} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !title.trim()}>{t('quiz.createAndBuild')}</button>
        <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
