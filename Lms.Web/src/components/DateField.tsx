// Date and date-time fields in the app's format (dd/mm/yyyy, 24-hour time), whatever the browser's language: the
// native ones show mm/dd/yyyy and AM/PM to an en-US browser while the app is in Vietnamese. The value the page
// keeps (and sends to the API) is still ISO: yyyy-mm-dd, or yyyy-mm-ddTHH:mm like a datetime-local input's.
import { useEffect, useState, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'onChange' | 'value' | 'placeholder'>;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "24/12/2026" (also 24-12-2026, 24.12.2026, 2026-12-24) as "2026-12-24"; null when it is no real day. */
export function parseDay(text: string): string | null {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(trimmed);
  const [year, month, day] = iso ? [+iso[1], +iso[2], +iso[3]] : dmy ? [+dmy[3], +dmy[2], +dmy[1]] : [0, 0, 0];
  if (!year) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** "2026-12-24" as "24/12/2026". */
export function showDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** "7:05" or "07:05" as "07:05"; null when it is no time of day. */
export function parseTime(text: string): string | null {
  const m = /^(\d{1,2})[:.h](\d{2})$/.exec(text.trim());
  if (!m || +m[1] > 23 || +m[2] > 59) return null;
  return `${pad(+m[1])}:${m[2]}`;
}

/** A date typed in the app's format; the page's value is yyyy-mm-dd ('' when empty; unchanged while the text is no date). */
export function DateField({ value, onChange, ...input }: InputProps & { value: string; onChange: (iso: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => showDay(value));
  // A value the page sets (loaded, reset) is shown, unless the text already means it.
  useEffect(() => setText((current) => ((current.trim() === '' ? '' : parseDay(current)) === value ? current : showDay(value))), [value]);
  const parsed = text.trim() === '' ? '' : parseDay(text);
  return (
    <input {...input} type="text" inputMode="numeric" autoComplete="off" placeholder={t('picker.datePlaceholder')}
      aria-invalid={parsed === null ? true : input['aria-invalid']} value={text}
      onChange={(e) => {
        setText(e.target.value);
        const next = e.target.value.trim() === '' ? '' : parseDay(e.target.value);
        if (next !== null) onChange(next);
      }} />
  );
}

/** A day and a 24-hour time; the page's value is yyyy-mm-ddTHH:mm in the device's time zone (as datetime-local's), '' until both are given. */
export function DateTimeField({ value, onChange, ...input }: InputProps & { value: string; onChange: (local: string) => void }) {
  const { t } = useTranslation();
  const [day, setDay] = useState(() => value.slice(0, 10));
  const [time, setTime] = useState(() => value.slice(11, 16));
  const [timeText, setTimeText] = useState(() => value.slice(11, 16));
  // A value the page sets is shown; '' while only one half is given is ours, not a reset.
  useEffect(() => {
    if (value === '' || value === `${day}T${time}`) return;
    setDay(value.slice(0, 10));
    setTime(value.slice(11, 16));
    setTimeText(value.slice(11, 16));
  }, [value]);
  const emit = (nextDay: string, nextTime: string) => onChange(nextDay && nextTime ? `${nextDay}T${nextTime}` : '');
  const timeParsed = timeText.trim() === '' ? '' : parseTime(timeText);
  return (
    <span className="date-time-field">
      <DateField {...input} value={day} onChange={(next) => { setDay(next); emit(next, time); }} />
      <input type="text" inputMode="numeric" autoComplete="off" required={input.required} disabled={input.disabled}
        placeholder={t('picker.timePlaceholder')} aria-label={t('picker.time')} aria-invalid={timeParsed === null ? true : undefined}
        value={timeText}
        onChange={(e) => {
          setTimeText(e.target.value);
          const next = e.target.value.trim() === '' ? '' : parseTime(e.target.value);
          if (next !== null) { setTime(next); emit(day, next); }
        }} />
    </span>
  );
}
