import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { schoolYearApi, weekdays, type Subject, type TimetableSlot } from '../../api/schoolYear';
import { Field } from '../../components/common';
import { errorText } from '../../errors';
import { WeekdayName } from './schoolYearParts';
import './timetableGridWords';

interface Cell { weekday: number; period: number }
interface Teacher { id: string; displayName: string }

/**
 * A class's week, Monday to Saturday, one cell a period; an admin taps a cell to set its subject, teacher and room (or
 * online), or to empty it. Each cell is saved on its own, so a double booking names the one period it is about.
 */
export function TimetableGrid({ yearId, classId, week, subjects, teachers, onChanged }: {
  yearId: string; classId: string; week: TimetableSlot[]; subjects: Subject[]; teachers: Teacher[]; onChanged: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<Cell | null>(null);
  // One more row than the last period used, so that a new period can be added below (at most ten a day).
  const rows = Math.min(10, Math.max(5, ...week.map((s) => s.period + 1)));
  const slotAt = (c: Cell) => week.find((s) => s.weekday === c.weekday && s.period === c.period);
  return (
    <>
      <div className="week-scroll">
        <table className="week-grid" data-testid="timetable-grid">
          <caption className="visually-hidden">{t('timetableGrid.editHint')}</caption>
          <thead>
            <tr><th scope="col">{t('schoolYear.timetable.periodColumn')}</th>{weekdays.slice(0, 6).map((d) => <th key={d} scope="col"><WeekdayName weekday={d} /></th>)}</tr>
          </thead>
          <tbody>
            {Array.from({ length: rows }, (_, i) => i + 1).map((period) => (
              <tr key={period}>
                <th scope="row">{period}</th>
                {weekdays.slice(0, 6).map((weekday) => {
                  const slot = slotAt({ weekday, period });
                  const chosen = editing?.weekday === weekday && editing.period === period;
                  return (
                    <td key={weekday} className={chosen ? 'week-cell-chosen' : undefined}>
                      <button type="button" className="week-cell" aria-pressed={chosen} data-testid={`cell-${weekday}-${period}`}
                              onClick={() => setEditing(chosen ? null : { weekday, period })}>
                        {/* The name is what the cell shows, after the day and period a screen reader needs (WCAG 2.5.3). */}
                        <span className="visually-hidden">
                          {t('timetableGrid.cellLabel', { weekday: t(`schoolYear.weekday.${weekday}`), period, content: slot ? '' : t('timetableGrid.emptyCell') })}{' '}
                        </span>
                        {slot ? <>{slot.subjectName}<br /><span className="muted small">{slot.teacherName} · {slot.online ? t('schoolYear.online') : slot.room}</span></>
                          : <span className="muted" aria-hidden="true">+</span>}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && (
        <CellEditor key={`${editing.weekday}-${editing.period}`} yearId={yearId} classId={classId} cell={editing} slot={slotAt(editing)}
                    subjects={subjects} teachers={teachers} onDone={async () => { await onChanged(); setEditing(null); }}
                    onCancel={() => setEditing(null)} />
      )}
    </>
  );
}

function CellEditor({ yearId, classId, cell, slot, subjects, teachers, onDone, onCancel }: {
  yearId: string; classId: string; cell: Cell; slot: TimetableSlot | undefined; subjects: Subject[]; teachers: Teacher[];
  onDone: () => Promise<void>; onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [subjectId, setSubjectId] = useState(slot?.subjectId ?? subjects[0]?.id ?? '');
  const [teacherId, setTeacherId] = useState(slot?.teacherId ?? '');
  const [room, setRoom] = useState(slot?.room ?? '');
  const [online, setOnline] = useState(slot?.online ?? false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await work();
      await onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    void run(() => schoolYearApi.setPeriod(yearId, classId, cell.weekday, cell.period,
      { subjectId, teacherId: teacherId || null, room: online ? null : room.trim() || null, online }));
  }

  return (
    <form className="card form" onSubmit={save} data-testid="cell-editor" aria-labelledby="cell-editor-title">
      <h3 id="cell-editor-title">{t('timetableGrid.editTitle', { weekday: t(`schoolYear.weekday.${cell.weekday}`), period: cell.period })}</h3>
      <Field label={t('timetableGrid.subject')}>
        {(p) => (
          <select {...p} value={subjectId} onChange={(e) => setSubjectId(e.target.value)} data-testid="cell-subject">
            {subjects.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('timetableGrid.teacher')}>
        {(p) => (
          <select {...p} value={teacherId} onChange={(e) => setTeacherId(e.target.value)} data-testid="cell-teacher">
            <option value="">{t('timetableGrid.classTeacher')}</option>
            {teachers.map((p2) => <option key={p2.id} value={p2.id}>{p2.displayName}</option>)}
          </select>
        )}
      </Field>
      <label className="check">
        <input type="checkbox" checked={online} onChange={(e) => setOnline(e.target.checked)} data-testid="cell-online" /> {t('schoolYear.online')}
      </label>
      {!online && (
        <Field label={t('timetableGrid.room')}>
          {(p) => <input {...p} maxLength={50} value={room} onChange={(e) => setRoom(e.target.value)} data-testid="cell-room" />}
        </Field>
      )}
      {error != null && <p className="field-error" role="alert" data-testid="cell-error">{errorText(t, error)}</p>}
      <p className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !subjectId} data-testid="cell-save">{t('common.save')}</button>{' '}
        {slot && (
          <button type="button" className="btn" disabled={busy} data-testid="cell-clear"
                  onClick={() => void run(() => schoolYearApi.clearPeriod(yearId, classId, cell.weekday, cell.period))}>
            {t('timetableGrid.clear')}
          </button>
        )}{' '}
        <button type="button" className="btn btn-quiet" onClick={onCancel}>{t('common.cancel')}</button>
      </p>
    </form>
  );
}
