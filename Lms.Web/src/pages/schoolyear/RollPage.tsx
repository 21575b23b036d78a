import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { schoolYearApi, type AttendanceStatus, type Roll, type RollMark } from '../../api/schoolYear';
import { Badge, ErrorMessage, Loading, useTitle } from '../../components/common';
import { errorText } from '../../errors';
import './schoolyear.css';

const next: Record<AttendanceStatus, AttendanceStatus> = { present: 'absent', absent: 'late', late: 'present' };

/**
 * The roll of one period on a phone: everyone is present until tapped; a tap marks absent, another late, a third
 * present again; an absence can be marked excused (có phép). Every tap is saved at once; a failed save is shown and
 * the marks stay on screen to be saved by the next tap or "Save again".
 */
export function RollPage() {
  const { t } = useTranslation();
  const { slotId = '', day = '' } = useParams();
  const [roll, setRoll] = useState<Roll>();
  const [marks, setMarks] = useState<Record<string, RollMark>>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const pending = useRef(Promise.resolve());
  useTitle(roll ? `${roll.className} · ${roll.subjectName}` : t('schoolYear.roll.title'));

  useEffect(() => {
    schoolYearApi.roll(slotId, day).then((loaded) => {
      setRoll(loaded);
      setMarks(Object.fromEntries(loaded.students.map((s) => [s.studentId,
        { studentId: s.studentId, status: s.status as AttendanceStatus, excused: s.excused && !s.onLeave }])));
      if (loaded.takenAt) setSavedAt(loaded.takenAt);
    }, setError);
  }, [slotId, day]);

  function save(all: Record<string, RollMark>) {
    // One save after another, in tap order: the last tap's state is the one that stays.
    pending.current = pending.current.then(async () => {
      setSaving(true);
      try {
        const saved = await schoolYearApi.saveRoll(slotId, day, Object.values(all).filter((m) => m.status !== 'present'));
        setRoll(saved);
        setSavedAt(saved.takenAt ?? null);
        setError(null);
      } catch (e) {
        setError(e);
      } finally {
        setSaving(false);
      }
    });
  }

  function change(studentId: string, update: Partial<RollMark>) {
    const all = { ...marks, [studentId]: { ...marks[studentId], ...update } };
    setMarks(all);
    save(all);
  }

  if (!roll) return <div className="page">{error ? <ErrorMessage error={error} /> : <Loading />}</div>;
  const absent = Object.values(marks).filter((m) => m.status === 'absent').length;
  const late = Object.values(marks).filter((m) => m.status === 'late').length;
  const onLeave = new Set(roll.students.filter((s) => s.onLeave).map((s) => s.studentId));
  return (
    <div className="page" data-testid="roll-page">
      <p><Link to="/school-year">← {t('schoolYear.today.title')}</Link></p>
      <h1>{roll.className} · {roll.subjectName}</h1>
      <p className="muted">{t('schoolYear.period', { period: roll.period })} · {roll.day}</p>
      <p className="muted small">{t('schoolYear.roll.hint')}</p>
      <p data-testid="roll-summary">
        {t('schoolYear.roll.summary', { present: roll.students.length - absent - late, absent, late })}
        {' · '}
        <span aria-live="polite" data-testid="roll-saved">
          {saving ? t('schoolYear.roll.saving') : savedAt ? t('schoolYear.roll.saved') : t('schoolYear.roll.notTaken')}
        </span>
      </p>
      {error != null && (
        <p className="field-error" role="alert">
          {errorText(t, error)}{' '}
          <button type="button" className="btn btn-small" onClick={() => save(marks)}>{t('schoolYear.roll.saveAgain')}</button>
        </p>
      )}
      <ul className="roll-list">
        {roll.students.map((s) => {
          const mark = marks[s.studentId];
          return (
            <li key={s.studentId} className="roll-student">
              {/* Its name is what it shows (WCAG 2.5.3: a voice command says what it sees), the name then the status. */}
              <button type="button" className="roll-toggle" data-status={mark.status} data-testid={`roll-student-${s.name}`}
                      onClick={() => change(s.studentId, { status: next[mark.status], excused: false })}>
                <span>{s.name}</span>{' '}
                <span>{t(`schoolYear.status.${mark.status}`)}</span>
              </button>
              {onLeave.has(s.studentId) && <Badge tone="class">{t('schoolYear.roll.onLeave')}</Badge>}
              {mark.status === 'absent' && !onLeave.has(s.studentId) && (
                <label className="check">
                  <input type="checkbox" checked={mark.excused} data-testid={`roll-excused-${s.name}`}
                         onChange={(e) => change(s.studentId, { excused: e.target.checked })} />
                  {' '}{t('schoolYear.status.excused')}
                </label>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
