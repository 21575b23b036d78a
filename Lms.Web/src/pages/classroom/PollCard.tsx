// The poll on the stage: a student answers (and may change the answer until it closes); the teacher watches
// the tally and closes it, with or without showing the results to the room.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomModel, Run } from './room';

export function PollCard({ poll, teacher, run }: { poll: NonNullable<RoomModel['poll']>; teacher: boolean; run: Run }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<number[]>(poll.myChoices ?? []);
  const [sent, setSent] = useState<number[] | null>(poll.myChoices);
  useEffect(() => { setChoice(poll.myChoices ?? []); setSent(poll.myChoices); }, [poll.id]);
  const total = poll.answered ?? 0;
  const showCounts = poll.counts && (teacher || poll.shown);
  return (
    <section className="card live-poll" aria-labelledby={`poll-${poll.id}`} data-testid="poll-card">
      <h2 id={`poll-${poll.id}`}>📊 {poll.question}</h2>
      <p className="muted small">
        {poll.multiple ? t('live.poll.multiple') : t('live.poll.single')}
        {poll.anonymous && ` · ${t('live.poll.anonymous')}`}
        {poll.closed && ` · ${t('live.poll.closed')}`}
      </p>
      {!teacher && !poll.closed ? (
        <form onSubmit={(e) => { e.preventDefault(); void run((r) => r.answerPoll(poll.id, choice)).then((ok) => ok && setSent(choice)); }}>
          <fieldset className="field choice">
            <legend className="visually-hidden">{poll.question}</legend>
            {poll.options.map((option, i) => (
              <label key={i} className="choice-option">
                <input type={poll.multiple ? 'checkbox' : 'radio'} name={`poll-${poll.id}`} checked={choice.includes(i)}
                       onChange={() => setChoice(poll.multiple ? (choice.includes(i) ? choice.filter((x) => x !== i) : [...choice, i]) : [i])} />
                <span>{option}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" className="btn btn-primary" disabled={choice.length === 0}>
            {sent ? t('live.poll.change') : t('live.poll.answer')}
          </button>
          {sent && <span className="muted small" data-testid="poll-sent"> ✓ {t('live.poll.sent')}</span>}
        </form>
      ) : null}
      {showCounts && (
        <ul className="live-tally" data-testid="poll-tally" data-answered={total}>
          {poll.options.map((option, i) => {
            const count = poll.counts![i] ?? 0;
            const percent = total ? Math.round((count * 100) / total) : 0;
            return (
              <li key={i}>
                <span>{option}</span>
                <span className="live-tally-bar"><span style={{ width: `${percent}%` }} /></span>
                <strong data-testid={`poll-count-${i}`}>{count}</strong>
              </li>
            );
          })}
          <li className="muted small">{t('live.poll.answered', { count: total })}</li>
        </ul>
      )}
      {teacher && !poll.closed && (
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={() => void run((r) => r.closePoll(true))}>{t('live.poll.closeShow')}</button>
          <button type="button" className="btn" onClick={() => void run((r) => r.closePoll(false))}>{t('live.poll.close')}</button>
        </div>
      )}
    </section>
  );
}
