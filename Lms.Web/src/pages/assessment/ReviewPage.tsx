import './assessment.css';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { assessment, type ReviewView } from '../../api/assessment';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatDateTime } from '../../format';
import { QuestionInput } from './QuestionInput';
import { Rich } from './Rich';

export function ReviewPage() {
  const { attemptId = '' } = useParams();
  const { data, error, loading, reload } = useLoad(() => assessment.review(attemptId), [attemptId]);
  useTitle(data?.quizTitle);
  if (!data) return <div className="page">{loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />}</div>;
  return <Review review={data} />;
}

export function Review({ review: r, children }: { review: ReviewView; children?: (slot: number) => React.ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="page review-page" data-testid="review">
      <p className="breadcrumb"><Link to={`/courses/${r.courseId}`}>← {t('review.backToCourse')}</Link></p>
      <h1>{r.quizTitle}</h1>
      <p className="muted">{r.studentName} · {t('attempt.number', { n: r.number })} · {formatDateTime(r.submittedAt, i18n.language)}
        {r.submittedBy === 'deadline' && <> · {t('review.autoSubmitted')}</>}</p>
      <div className="card result" data-testid="result">
        {r.scoresVisible && r.score !== null ? (
          <>
            <p className="result-score"><strong data-testid="score">{r.score}</strong> / {r.maxScore} ({r.percent}%)</p>
            {r.needsGrading ? <p className="badge badge-draft">{t('review.needsGrading')}</p>
              : r.passed !== null && <p className={r.passed ? 'badge badge-published' : 'badge badge-draft'} data-testid="passed">
                {r.passed ? t('quiz.passed') : t('quiz.notPassed')}</p>}
            {r.overallFeedback && <Rich html={r.overallFeedback} className="overall-feedback" />}
          </>
        ) : <p>{t('review.scoresLater')}</p>}
      </div>
      {r.questions.map((q, i) => (
        <section key={q.question.slot} className="card question-card" data-testid="review-question" aria-labelledby={`rq-${q.question.slot}`}>
          <div className="question-head">
            <h2 id={`rq-${q.question.slot}`}>{t('attempt.question', { n: i + 1, total: r.questions.length })}</h2>
            {r.scoresVisible && <span className="small" data-testid="question-score">{q.needsGrading ? t('review.needsGrading') : `${q.score ?? 0}/${q.points}`}</span>}
          </div>
          <QuestionInput question={q.question} response={q.response} onChange={() => undefined} readOnly />
          {q.rightAnswer && <p className="right-answer"><strong>{t('review.rightAnswer')}</strong> {q.rightAnswer}</p>}
          {q.feedback?.map((f, k) => <Rich key={k} html={f} className="feedback" />)}
          {q.comment && <p className="comment"><strong>{t('review.comment')}</strong> {q.comment}</p>}
          {children?.(q.question.slot)}
        </section>
      ))}
    </div>
  );
}
