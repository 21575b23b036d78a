import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { reportCardApi } from '../../api/reportCards';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { CardSubjects, useResultText, vietnamDay } from './ReportCardParts';
import './reportCardWords';
import './schoolyear.css';

/**
 * The public page a report card's QR code opens: the school, the student's name, the period and the results, and
 * whether the card is current, superseded by a newer one, or withdrawn. Nothing else of the student.
 */
export function ReportCardVerifyPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const { rating } = useResultText();
  const { data, error, loading, reload } = useLoad(() => reportCardApi.verify(token), [token]);
  useTitle(t('schoolYear.reportCard.verify.title'));
  const state = data?.state;
  return (
    <div className="page verify-page" data-testid="report-card-verify">
      <h1>{t('schoolYear.reportCard.verify.title')}</h1>
      <ErrorMessage error={error} onRetry={() => void reload()} />
      {loading && !data && <Loading />}
      {data && (
        <>
          <p className={state === 'current' ? 'notice' : 'field-error'} role="status" data-testid="verify-state" data-state={state}>
            <strong>
              {state === 'current' ? t('schoolYear.reportCard.verify.current')
                : state === 'superseded' ? t('schoolYear.reportCard.verify.superseded')
                  : t('schoolYear.reportCard.verify.withdrawn', { day: vietnamDay(data.withdrawnAt) })}
            </strong>
          </p>
          <dl className="card">
            <dt>{t('schoolYear.reportCard.verify.school')}</dt><dd>{data.schoolName}</dd>
            <dt>{t('schoolYear.reportCard.verify.student')}</dt><dd data-testid="verify-student">{data.studentName}</dd>
            <dt>{t('schoolYear.reportCard.periods')}</dt>
            <dd>{t('schoolYear.reportCard.verify.periodOf', { period: t(`schoolYear.reportCard.period.${data.period}`), year: data.yearName })}</dd>
          </dl>
          <div className="mark-scroll">
            <CardSubjects subjects={data.subjects} />
          </div>
          <p>{t('schoolYear.reportCard.learningResult', { result: rating(data.learningResult) })} · {t('schoolYear.reportCard.conduct', { result: rating(data.conduct) })}</p>
          <p className="muted small">{t('schoolYear.reportCard.verify.issuedOn', { day: vietnamDay(data.issuedAt) })}</p>
          <p className="muted small">{t('schoolYear.reportCard.verify.explain')}</p>
        </>
      )}
    </div>
  );
}
