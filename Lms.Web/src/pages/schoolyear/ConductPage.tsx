import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { markBookApi, type ClassConduct } from '../../api/markBook';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';
import './markBookWords';
import './schoolyear.css';

const ratings = ['tot', 'kha', 'dat', 'chua-dat'] as const;

/** The homeroom teacher rates each student's conduct (rèn luyện) per term; the year's follows by Circular 22's table. */
export function ConductPage() {
  const { t } = useTranslation();
  const { yearId = '', classId = '' } = useParams();
  const conduct = useLoad(() => markBookApi.conduct(yearId, classId), [yearId, classId]);
  const [data, setData] = useState<ClassConduct | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useTitle(t('schoolYear.marks.conductTitle'));
  const shown = data ?? conduct.data;

  async function rate(termId: string, studentId: string, rating: string) {
    setError(null);
    try {
      setData(await markBookApi.setConduct(yearId, classId, termId, studentId, rating || null));
      setSaved(`${studentId}|${termId}`);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <div className="page" data-testid="conduct-page">
      <p><Link to="/school-year">← {t('schoolYear.today.title')}</Link></p>
      <h1>{t('schoolYear.marks.conductTitle')}</h1>
      <ErrorMessage error={conduct.error} onRetry={() => void conduct.reload()} />
      {conduct.loading && !shown && <Loading />}
      {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
      {shown && (
        <div className="mark-scroll">
          <table className="mark-grid">
            <thead>
              <tr>
                <th scope="col" className="mark-name">{t('schoolYear.marks.student')}</th>
                {shown.terms.map((term) => <th key={term.id} scope="col">{t('schoolYear.marks.term', { number: term.number })}</th>)}
                <th scope="col">{t('schoolYear.marks.year')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.students.map((s) => (
                <tr key={s.studentId}>
                  <th scope="row" className="mark-name">{s.name}</th>
                  {shown.terms.map((term, i) => (
                    <td key={term.id}>
                      <select value={s.terms[i] ?? ''} aria-label={`${s.name} · ${t('schoolYear.marks.term', { number: term.number })}`}
                              onChange={(e) => void rate(term.id, s.studentId, e.target.value)} data-testid={`conduct-${s.name}-${term.number}`}>
                        <option value="">–</option>
                        {ratings.map((r) => <option key={r} value={r}>{t(`schoolYear.marks.result.${r}`)}</option>)}
                      </select>
                      {saved === `${s.studentId}|${term.id}` && <span className="mark-state">{t('schoolYear.marks.saved')}</span>}
                    </td>
                  ))}
                  <td className="mark-average">{s.year ? t(`schoolYear.marks.result.${s.year}`) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
