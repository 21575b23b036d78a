import './exports.css';
import { useTranslation } from 'react-i18next';

/**
 * Download links for one export as Excel and CSV. The app's language travels with the link, so the file's
 * headers and the CSV separator match what the person reads on screen (not the browser's own language).
 */
export function ExportButtons({ path, params = {}, testId }: {
  /** The export's address without its extension, e.g. /api/courses/1/gradebook */
  path: string;
  params?: Record<string, string | undefined>;
  testId: string;
}) {
  const { t, i18n } = useTranslation();
  const search = new URLSearchParams({ language: i18n.language === 'en' ? 'en' : 'vi' });
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  return (
    <span className="export-buttons">
      <a className="btn btn-small" href={`${path}.xlsx?${search}`} download data-testid={`${testId}-xlsx`}>{t('exports.xlsx')}</a>
      <a className="btn btn-small" href={`${path}.csv?${search}`} download data-testid={`${testId}-csv`} title={t('exports.csvHint')}>
        {t('exports.csv')}
      </a>
    </span>
  );
}
