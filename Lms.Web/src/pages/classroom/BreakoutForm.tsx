import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../format';
import type { RoomModel, Run } from './room';
type Mode = 'random' | 'chosen';

/**
 * The teacher's breakout groups: split at random, or choose each student's group (a student left
 * without a group stays in the main room, as the grain does); then a timer, a message to every
 * group, and "bring everyone back".
 */
export function BreakoutForm({ model, run }: { model: RoomModel; run: Run }) {
  const { t, i18n } = useTranslation();
  const [mode, setMode] = useState<Mode>('random');
  const [groups, setGroups] = useState(2);
  const [minutes, setMinutes] = useState(10);
  const [chosen, setChosen] = useState<Record<string, number>>({});
  const [message, setMessage] = useState('');

  if (model.breakout) {
    return (
      <div className="live-group" data-testid="breakouts">
        <h3>{t('live.breakout.title')}</h3>
        <p className="muted small">{t('live.breakout.until', { time: formatTime(model.breakout.endsAt, i18n.language) })}</p>
        <ul className="small live-breakout-groups">
          {model.breakout.groups.map((g) => (
            <li key={g.n} data-testid="breakout-group">{t('live.breakout.group', { n: g.n })}: {g.members.map((m) => m.name).join(', ') || '—'}</li>
          ))}
        </ul>
        <form className="live-chat-form" onSubmit={(e) => { e.preventDefault(); if (message.trim()) void run((r) => r.broadcastToBreakouts(message.trim())).then((ok) => ok && setMessage('')); }}>
          <input value={message} maxLength={1000} onChange={(e) => setMessage(e.target.value)} aria-label={t('live.breakout.broadcast')} placeholder={t('live.breakout.broadcast')} />
          <button type="submit" className="btn btn-small">{t('live.send')}</button>
        </form>
        <button type="button" className="btn btn-primary" onClick={() => void run((r) => r.endBreakouts())}>{t('live.breakout.end')}</button>
      </div>
    );
  }

  // The grain splits the admitted students who are online; the room's list is what the teacher can choose from.
  const students = model.participants
    .filter((p) => p.role !== 'teacher' && p.online)
    .sort((a, b) => a.name.localeCompare(b.name));
  const validGroups = Number.isInteger(groups) && groups >= 2 && groups <= 50;
  const groupOf = (userId: string) => {
    const g = chosen[userId] ?? 0;
    return validGroups && g <= groups ? g : 0;
  };
  const assignments = Object.fromEntries(students.map((s) => [s.userId, groupOf(s.userId)]).filter(([, g]) => (g as number) > 0));
  const assigned = Object.keys(assignments).length;
  const ready = validGroups && minutes >= 1 && minutes <= 240 && (mode === 'random' || assigned > 0);

  function spread() {
    setChosen(Object.fromEntries(students.map((s, i) => [s.userId, (i % groups) + 1])));
  }

  async function start(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    // An empty assignment would mean "at random" to the grain: the button stays off until someone has a group.
    if (await run((r) => r.startBreakouts(groups, minutes, mode === 'chosen' ? assignments as Record<string, number> : null))) setChosen({});
  }

  return (
    <form className="live-group" onSubmit={start} aria-label={t('live.breakout.title')} data-testid="breakout-form">
      <h3>{t('live.breakout.title')}</h3>
      <fieldset className="live-breakout-mode">
        <legend className="visually-hidden">{t('live.breakout.how')}</legend>
        <label className="live-toggle">
          <input type="radio" name="breakout-mode" checked={mode === 'random'} onChange={() => setMode('random')} />
          <span>{t('live.breakout.modeRandom')}</span>
        </label>
        <label className="live-toggle">
          <input type="radio" name="breakout-mode" checked={mode === 'chosen'} onChange={() => setMode('chosen')} />
          <span>{t('live.breakout.modeChosen')}</span>
        </label>
      </fieldset>
      <label className="field"><span>{t('live.breakout.groups')}</span>
        <input type="number" min={2} max={50} value={groups} onChange={(e) => setGroups(Number(e.target.value))} /></label>
      <label className="field"><span>{t('live.breakout.minutes')}</span>
        <input type="number" min={1} max={240} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} /></label>

      {mode === 'chosen' && (
        <div className="live-breakout-choose" data-testid="breakout-choose">
          {students.length === 0 ? (
            <p className="muted small">{t('live.breakout.noStudents')}</p>
          ) : (
            <>
              <ul className="live-people live-breakout-list" aria-label={t('live.breakout.students')}>
                {students.map((s) => (
                  <li key={s.userId} data-testid="breakout-student">
                    <label className="live-breakout-row">
                      <span className="live-breakout-name">{s.name}</span>
                      <select value={groupOf(s.userId)} aria-label={t('live.breakout.groupOf', { name: s.name })}
                              onChange={(e) => setChosen({ ...chosen, [s.userId]: Number(e.target.value) })}>
                        <option value={0}>{t('live.breakout.mainRoom')}</option>
                        {validGroups && Array.from({ length: groups }, (_, i) => (
                          <option key={i + 1} value={i + 1}>{t('live.breakout.group', { n: i + 1 })}</option>
                        ))}
                      </select>
                    </label>
                  </li>
                ))}
              </ul>
              <button type="button" className="btn btn-small btn-quiet" onClick={spread} disabled={!validGroups}>{t('live.breakout.spread')}</button>
            </>
          )}
          <p className="muted small" data-testid="breakout-assigned">
            {t('live.breakout.assigned', { count: assigned, total: students.length })} {t('live.breakout.unassignedStay')}
          </p>
          {model.participants.length < model.count && (
            <p className="muted small">{t('live.breakout.partialList')}</p>
          )}
        </div>
      )}
      <button type="submit" className="btn" disabled={!ready}>
        {mode === 'chosen' ? t('live.breakout.startChosen') : t('live.breakout.start')}
      </button>
    </form>
  );
}

/** What a student sees while split: their own group, who is in it, and when everyone comes back. */
export function MyBreakout({ model }: { model: RoomModel }) {
  const { t, i18n } = useTranslation();
  const n = model.me.breakout;
  if (model.me.role === 'teacher' || !n || !model.breakout) return null;
  const group = model.breakout.groups.find((g) => g.n === n);
  const others = (group?.members ?? []).filter((m) => m.userId !== model.me.userId).map((m) => m.name);
  return (
    <div className="alert alert-info live-my-breakout" role="status" data-testid="my-breakout">
      <strong>{t('live.breakout.inGroup', { n })}</strong>
      {others.length > 0 && <span> {t('live.breakout.with', { names: others.join(', ') })}</span>}
      <span className="muted small"> {t('live.breakout.until', { time: formatTime(model.breakout.endsAt, i18n.language) })}</span>
    </div>
  );
}
