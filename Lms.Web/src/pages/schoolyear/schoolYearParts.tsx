import { useTranslation } from 'react-i18next';
import type { TimetableSlot } from '../../api/schoolYear';

/** Today's date in Vietnam (UTC+7), as yyyy-MM-dd: a school day is the Vietnamese date. */
export function todayInVietnam(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** "Tiết 2 · 10A1 · Toán · P201" (or "Trực tuyến"). */
export function PeriodLine({ slot, showClass = false }: { slot: TimetableSlot; showClass?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="period-line">
      <strong>{t('schoolYear.period', { period: slot.period })}</strong>
      {showClass && <> · {slot.className}</>}
      {' · '}{slot.subjectName}
      {' · '}{slot.online ? t('schoolYear.online') : slot.room ?? ''}
      {!showClass && <span className="muted"> · {slot.teacherName}</span>}
    </span>
  );
}

/** The name of a day of the week (1 = Monday … 7 = Sunday) in the reader's language. */
export function WeekdayName({ weekday }: { weekday: number }) {
  const { t } = useTranslation();
  return <>{t(`schoolYear.weekday.${weekday}`)}</>;
}
