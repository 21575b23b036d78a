import { useTranslation } from 'react-i18next';
import { markBookApi, type StudentMarks } from '../../api/markBook';
import { Badge, ErrorMessage } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import './markBookWords';

/**
 * A student's marks on the child's page, for a parent on a phone: each subject a card with its cells per term, the
 * term averages (ĐTBmhk) and the year's (ĐTBmcn), and the learning result once every subject has its result.
 */
export function ChildMarks({ studentId }: { studentId: string }) {
  const { t, i18n } = useTranslation();
  const marks = useLoad(() => markBookApi.studentMarks(studentId), [studentId]);
  const mark = i18n.language === 'en' ? '.' : ',';
  const number = (n: number | null | undefined) => (n == null ? '' : String(n).replace('.', mark));
  const cell = (text: string | undefined, comment: boolean) =>
    !text ? '–' : comment ? (text === 'dat' ? 'Đ' : 'CĐ') : text.replace('.', mark);
  const rating = (code: string | null | undefined) => (code ? t(`schoolYear.marks.result.${code}`) : '');
  return (
    <section aria-labelledby="marks-title" data-testid="child-marks">
      <h2 id="marks-title">{t('schoolYear.marks.ofChild')}</h2>
      <ErrorMessage error={marks.error} onRetry={() => void marks.reload()} />
      {marks.data && <Results data={marks.data} rating={rating} />}
      {marks.data && marks.data.subjects.every((s) => s.terms.every((term) => Object.keys(term.cells).length === 0)) && (
        <p className="empty">{t('schoolYear.marks.noMarks')}</p>
      )}
      <ul className="period-list">
        {marks.data?.subjects.filter((s) => s.terms.some((term) => Object.keys(term.cells).length > 0)).map((s) => {
          const comment = s.assessment === 'comment';
          return (
            <li key={s.subjectId} className="card" data-testid={`child-marks-${s.subjectId}`}>
              <strong>{s.name}</strong>
              {s.terms.map((term) => (
                <p key={term.termId} className="mark-line">
                  <span className="muted">{t('schoolYear.marks.term', { number: term.number })}: </span>
                  {s.columns.map((c) => (
                    <span key={c} title={t(`schoolYear.marks.column.${c.replace(/\d/g, '')}`, { n: c.slice(2) })}>{cell(term.cells[c], comment)} </span>
                  ))}
                  {(term.average != null || term.rating) && (
                    <Badge tone="class">
                      {comment ? rating(term.rating) : `${t('schoolYear.marks.termAverage')} ${number(term.average)}`}
                    </Badge>
                  )}
                </p>
              ))}
              {(s.yearAverage != null || s.yearRating) && (
                <p className="mark-line">
                  <strong>{t('schoolYear.marks.year')}: {comment ? rating(s.yearRating) : `${t('schoolYear.marks.yearAverage')} ${number(s.yearAverage)}`}</strong>
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Results({ data, rating }: { data: StudentMarks; rating: (code: string | null | undefined) => string }) {
  const { t } = useTranslation();
  return (
    <>
      {data.termResults.map((result, i) => result && (
        <p key={i} data-testid={`learning-result-${i + 1}`}>{t('schoolYear.marks.learningResult', { number: i + 1, result: rating(result) })}</p>
      ))}
      {data.yearResult && <p data-testid="learning-result-year">{t('schoolYear.marks.learningResultYear', { result: rating(data.yearResult) })}</p>}
      {data.termConduct.map((conduct, i) => conduct && (
        <p key={`c${i}`} data-testid={`conduct-${i + 1}`}>{t('schoolYear.marks.conduct', { number: i + 1, result: rating(conduct) })}</p>
      ))}
      {data.yearConduct && <p data-testid="conduct-year">{t('schoolYear.marks.conductYear', { result: rating(data.yearConduct) })}</p>}
    </>
  );
}
