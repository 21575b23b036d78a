import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/lms';
import { classroomApi } from '../../api/classroom';
import type { ItemCreateProps, ItemKindSpec, ItemViewProps } from '../../components/itemKindSpec';
import { Markdown } from '../../components/Markdown';
import { ErrorMessage, Field, Loading } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatDateTime } from '../../format';
import { fieldErrorText } from '../../errors';
import { AttendancePanel } from './AttendancePanel';
import { SessionRecordings } from './ClassroomRecording';
import { LiveQuizRecords } from './LiveQuizRecords';
import { DateField, DateTimeField } from '../../components/DateField';

/** A live session opened from the course outline: when, who teaches, join; for teachers, past runs and their attendance. */
function LiveView({ item }: ItemViewProps) {
  const { t, i18n } = useTranslation();
  const { data: session, error, reload } = useLoad(() => classroomApi.session(item.refId ?? ''), [item.refId]);
  const teacher = session?.myRole === 'teacher';
  const runs = useLoad(() => (teacher && session ? classroomApi.runs(session.id) : Promise.resolve([])), [teacher, session?.id]);
  const [openRun, setOpenRun] = useState<string | null>(null);
  if (!session) return error ? <ErrorMessage error={error} onRetry={() => void reload()} /> : <Loading />;
  const when = session.next ?? { startsAt: session.startsAt, endsAt: session.endsAt };
  return (
    <div className="live-item" data-testid="live-item">
      <p>
        <strong>{formatDateTime(when.startsAt, i18n.language)}</strong> – {formatDateTime(when.endsAt, i18n.language)}
        {session.recurrence === 'weekly' && <span className="muted"> · {t('live.weekly')}</span>}
      </p>
      <p className="muted small">{t('live.teachers')}: {session.teachers.map((x) => x.displayName).join(', ')}</p>
      {session.description && <Markdown source={session.description} />}
      {/* Nothing live and nothing more scheduled: the lesson is over, its records stand in for a join button. */}
      {session.status !== 'live' && !session.next ? (
        <p className="muted" role="status" data-testid="live-over">{t('live.over')}</p>
      ) : (
        <p>
          <Link className="btn btn-primary" to={session.joinPath} data-testid="join-live">
            {session.status === 'live' ? `● ${t('live.joinNow')}` : teacher ? t('live.openRoom') : t('live.join')}
          </Link>
          {session.status === 'live' && <span className="muted small"> {t('live.inRoomCount', { count: session.inRoom })}</span>}
        </p>
      )}
      <SessionRecordings sessionId={session.id} />
      {teacher && (runs.data?.length ?? 0) > 0 && (
        <section aria-label={t('live.runs')}>
          <h2>{t('live.runs')}</h2>
          <ul className="live-runs">
            {runs.data!.map((r) => (
              <li key={r.id}>
                <button type="button" className="btn btn-small btn-quiet" aria-expanded={openRun === r.id}
                        onClick={() => setOpenRun(openRun === r.id ? null : r.id)}>
                  {formatDateTime(r.startedAt, i18n.language)} · {t('live.attendees', { count: r.attendees })}
                  {r.quizQuestions > 0 && ` · ${t('liveQuiz.runQuestions', { count: r.quizQuestions })}`}
                  {r.endedAt === null && ` · ${t('live.status.live')}`}
                </button>
                {openRun === r.id && <AttendancePanel sessionId={session.id} runId={r.id} />}
                {openRun === r.id && r.quizQuestions > 0 && <LiveQuizRecords sessionId={session.id} runId={r.id} />}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The outline editor's form for a new live session. */
function LiveCreate({ course, module, onDone, onCancel }: ItemCreateProps) {
  const { t } = useTranslation();
  const soon = new Date(Date.now() + 15 * 60_000);
  soon.setSeconds(0, 0);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [start, setStart] = useState(localInput(soon));
  const [minutes, setMinutes] = useState(45);
  const [weekly, setWeekly] = useState(false);
  const [until, setUntil] = useState('');
  const [teacherIds, setTeacherIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const members = useLoad(() => api.members(course.id, 0, 100), [course.id]);
  const coTeachers = (members.data?.items ?? []).filter((m) => m.role === 'teacher');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const startsAt = new Date(start);
      await classroomApi.create(course.id, module.id, {
        title: title.trim(), description: description.trim() || null,
        startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + minutes * 60_000).toISOString(),
        recurrence: weekly ? 'weekly' : 'none', repeatUntil: weekly && until ? new Date(`${until}T23:59:59`).toISOString() : null,
        teacherIds,
      });
      onDone();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="item-form" onSubmit={submit} noValidate aria-label={t('live.newSession')} data-testid="live-create">
      <ErrorMessage error={error} context="live" />
      <Field label={t('editor.itemTitle')} error={fieldErrorText(t, error, 'title')}>
        {(p) => <input {...p} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <Field label={t('live.startsAt')} error={fieldErrorText(t, error, 'startsAt')}>
        {(p) => <DateTimeField {...p} required value={start} onChange={setStart} />}
      </Field>
      <Field label={t('live.minutes')} error={fieldErrorText(t, error, 'endsAt')}>
        {(p) => <input {...p} type="number" min={5} max={720} step={5} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} />}
      </Field>
      <label className="live-toggle">
        <input type="checkbox" checked={weekly} onChange={(e) => setWeekly(e.target.checked)} />
        <span>{t('live.repeatWeekly')}</span>
      </label>
      {weekly && (
        <Field label={t('live.repeatUntil')} hint={t('live.repeatUntilHint')} error={fieldErrorText(t, error, 'repeatUntil')}>
          {(p) => <DateField {...p} value={until} onChange={setUntil} />}
        </Field>
      )}
      {coTeachers.length > 0 && (
        <fieldset className="field choice">
          <legend>{t('live.coTeachers')}</legend>
          {coTeachers.map((m) => (
            <label key={m.id} className="choice-option">
              <input type="checkbox" checked={teacherIds.includes(m.id)}
                     onChange={() => setTeacherIds(teacherIds.includes(m.id) ? teacherIds.filter((x) => x !== m.id) : [...teacherIds, m.id])} />
              <span>{m.displayName}</span>
            </label>
          ))}
        </fieldset>
      )}
      <Field label={t('editor.itemNote')} hint={t('editor.markdownHint')}>
        {(p) => <textarea {...p} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !title.trim()}>{busy ? t('common.saving') : t('live.schedule')}</button>
        <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

export const liveItemKind: ItemKindSpec = { icon: '🎥', View: LiveView, Create: LiveCreate };
