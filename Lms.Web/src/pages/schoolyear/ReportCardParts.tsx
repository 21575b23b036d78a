import { useTranslation } from 'react-i18next';
import type { ReportCardStudent } from '../../api/reportCards';
import './reportCardWords';

/** A day as Vietnam's calendar has it (the card's signatures are dated so). */
export function vietnamDay(at: string | null | undefined): string {
  if (!at) return '';
  return new Date(at).toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });
}

/** An average with the reader's decimal mark (7,8 in Vietnamese), or a comment-only subject's rating. */
export function useResultText() {
  const { t, i18n } = useTranslation();
  const mark = i18n.language === 'en' ? '.' : ',';
  const rating = (code: string | null | undefined) => t(`schoolYear.reportCard.rating.${code ?? 'none'}`);
  const average = (value: number | null | undefined) => (value == null ? t('schoolYear.reportCard.rating.none') : value.toFixed(1).replace('.', mark));
  return { rating, average };
}

type Card = ReportCardStudent['card'];

type SubjectResult = Pick<Card['subjects'][number], 'name' | 'assessment' | 'rating' | 'average'>;

/** A card's subjects with the period's average or rating: what the homeroom teacher and the principal review, and what the verification page shows. */
export function CardSubjects({ subjects, testId }: { subjects: SubjectResult[]; testId?: string }) {
  const { t } = useTranslation();
  const { rating, average } = useResultText();
  return (
    <table className="mark-grid report-card-subjects" data-testid={testId}>
      <thead>
        <tr><th scope="col" className="mark-name">{t('schoolYear.reportCard.subject')}</th><th scope="col">{t('schoolYear.reportCard.result')}</th></tr>
      </thead>
      <tbody>
        {subjects.map((s) => (
          <tr key={s.name}>
            <th scope="row" className="mark-name">{s.name}</th>
            <td className="mark-average">{s.assessment === 'comment' ? rating(s.rating) : average(s.average)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
