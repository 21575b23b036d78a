import { useTranslation } from 'react-i18next';
import { ExportButtons } from '../../components/ExportButtons';

/** The people list and the class lists as files (admins: they carry e-mails and national IDs). */
export function RosterExports({ institutionId }: { institutionId: string }) {
  const { t } = useTranslation();
  const base = `/api/institutions/${encodeURIComponent(institutionId)}`;
  return (
    <details className="card roster-exports" data-testid="roster-exports">
      <summary>{t('exports.title')}</summary>
      <p className="muted small">{t('exports.csvHint')}</p>
      <div className="export-row">
        <span>{t('exports.people')}</span>
        <ExportButtons path={`${base}/people`} testId="export-people" />
      </div>
      <div className="export-row">
        <span>{t('exports.classLists')}</span>
        <ExportButtons path={`${base}/class-lists`} testId="export-classes" />
      </div>
    </details>
  );
}
