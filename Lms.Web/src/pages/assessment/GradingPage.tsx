import './assessment.css';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { assessment, type QueueItem } from '../../api/assessment';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { QuestionInput } from './QuestionInput';

/** Essays waiting for a teacher, oldest first: a score and a comment each. */
export function GradingPage() {
  const { t } = useTranslation();
  const { courseId = '' } = useParams();
  const { data, error, loading, reload } = useLoad(() => assessment.gradingQueue(courseId), [courseId]);
  useTitle(t('grading.title'));
  return (
    <div className="page grading-page">
      <p className="breadcrumb"><Link to={`/courses/${courseId}`}>← {t('review.backToCourse')}</Link></p>
      <h1>{t('grading.title')}</h1>
      {!data ? (loading ? <Loading /> : <ErrorMessage error={error} />) : data.length === 0 ? <p className="muted" data-testid="queue-empty">{t('grading.empty')}</p> : (
        <ul className="queue">{data.map((item) => <GradeCard key={`${item.attemptId}-${item.slot}`} item={item} onDone={reload} />)}</ul>
      )}
    </div>
  );
}

function GradeCard({ item, onDone }: { item: QueueItem; onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const [score, setScore] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <li className="card" data-testid="queue-item">
      <p><strong>{item.displayName}</strong> · {item.quizTitle}</p>
      <QuestionInput question={item.question} response={item.response} onChange={() => undefined} readOnly />
      <form className="form" onSubmit={async (e) => {
        e.preventDefault();
        try { await assessment.gradeSlot(item.attemptId, item.slot, Number(score), comment); await onDone(); } catch (x) { setError(x); }
      }}>
        <div className="field"><label htmlFor={`g-${item.attemptId}-${item.slot}`}>{t('grading.score', { max: item.points })}</label>
          <input id={`g-${item.attemptId}-${item.slot}`} type="number" min={0} max={item.points} step="0.25" value={score} onChange={(e) => setScore(e.target.value)} /></div>
        <div className="field"><label htmlFor={`c-${item.attemptId}-${item.slot}`}>{t('grading.comment')}</label>
          <textarea id={`c-${item.attemptId}-${item.slot}`} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} /></div>
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary" disabled={score === ''}>{t('grading.save')}</button>
      </form>
    </li>
  );
}
