import './assessment.css';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { assessment } from '../../api/assessment';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { ExportButtons } from '../../components/ExportButtons';

/** Quizzes as columns, students as rows, totals; CSV and Excel downloads. */
export function GradebookPage() {
  const { t } = useTranslation();
  const { courseId = '' } = useParams();
  const { data, error, loading } = useLoad(() => assessment.gradebook(courseId), [courseId]);
  useTitle(t('gradebook.title'));
  if (!data) return <div className="page">{loading ? <Loading /> : <ErrorMessage error={error} />}</div>;
  return (
    <div className="page gradebook-page">
      <p className="breadcrumb"><Link to={`/courses/${courseId}`}>← {data.courseTitle}</Link></p>
      <h1>{t('gradebook.title')}</h1>
      <div className="actions">
        <ExportButtons path={`/api/courses/${encodeURIComponent(courseId)}/gradebook`} testId="gradebook" />
      </div>
      <div className="table-scroll">
        <table className="table gradebook" data-testid="gradebook">
          <caption className="visually-hidden">{t('gradebook.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('gradebook.student')}</th>
              {data.columns.map((c) => <th key={c.quizId} scope="col"><Link to={`/quizzes/${c.quizId}/results`}>{c.title}</Link> <span className="muted small">/{c.maxPoints}</span></th>)}
              <th scope="col">{t('gradebook.total')}</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.userId} data-testid="gradebook-row">
                <th scope="row">{r.displayName}</th>
                {r.cells.map((c) => (
                  <td key={c.quizId} className={c.passed ? 'pass' : undefined}>
                    {c.attempts === 0 ? '–' : <>{c.score}{c.pending && <span title={t('review.needsGrading')}> *</span>}</>}
                  </td>
                ))}
                <td><strong>{r.total}</strong>/{r.totalMax}{r.totalPercent !== null && <span className="muted small"> ({r.totalPercent}%)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
