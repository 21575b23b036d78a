import { useTranslation } from 'react-i18next';
import { reportCardApi } from '../../api/reportCards';
import { Badge, ErrorMessage } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { useResultText, vietnamDay } from './ReportCardParts';

/** A student's issued report cards on the child's (or the student's own) page, each downloadable as its PDF. */
export function ReportCardList({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const { rating } = useResultText();
  const cards = useLoad(() => reportCardApi.student(studentId), [studentId]);
  return (
    <section aria-labelledby="report-cards-title" data-testid="report-cards">
      <h2 id="report-cards-title">{t('schoolYear.reportCard.ofChild')}</h2>
      <ErrorMessage error={cards.error} onRetry={() => void cards.reload()} />
      {cards.data && cards.data.length === 0 && <p className="empty">{t('schoolYear.reportCard.none')}</p>}
      <ul className="period-list">
        {cards.data?.map((c) => (
          <li key={c.id} className="card" data-testid={`report-card-${c.period}-${c.state}`}>
            <strong>{t('schoolYear.reportCard.cardLine', { period: t(`schoolYear.reportCard.period.${c.period}`), year: c.yearName, className: c.className })}</strong>{' '}
            <Badge tone={c.state === 'current' ? 'class' : 'absent'}>{t(`schoolYear.reportCard.cardState.${c.state}`)}</Badge>
            <p className="muted small">
              {t('schoolYear.reportCard.issuedOn', { day: vietnamDay(c.issuedAt) })} ·{' '}
              {t('schoolYear.reportCard.learningResult', { result: rating(c.learningResult) })} ·{' '}
              {t('schoolYear.reportCard.conduct', { result: rating(c.conduct) })}
            </p>
            <a className="btn btn-small" href={reportCardApi.pdfUrl(c.id)} download data-testid="download-report-card">
              {t('schoolYear.reportCard.download')}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
