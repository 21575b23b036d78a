import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { QuestionResponse, StudentQuestion } from '../../api/assessment';
import { Rich, plain } from './Rich';

/** One question as the student answers it (or, read-only, as it was answered). */
export function QuestionInput({ question, response, onChange, readOnly = false }: {
  question: StudentQuestion; response: QuestionResponse | undefined | null;
  onChange: (response: QuestionResponse, typing?: boolean) => void; readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const name = useId();
  const q = question;
  const r = response ?? {};
  const stemId = `${name}-stem`;

  if (q.type === 'cloze') return <Cloze question={q} response={r} onChange={onChange} readOnly={readOnly} />;

  return (
    <div className="question-input">
      <Rich html={q.stem} className="question-stem" testId="question-stem" />
      <span id={stemId} className="visually-hidden">{plain(q.stem)}</span>
      {q.type === 'single' && (
        <div role="radiogroup" aria-labelledby={stemId} className="choices">
          {q.choices?.map((c) => (
            <label key={c.id} className={r.choice === c.id ? 'choice chosen' : 'choice'}>
              <input type="radio" name={name} value={c.id} checked={r.choice === c.id} disabled={readOnly}
                     onChange={() => onChange({ choice: c.id })} />
              <Rich html={c.text} as="span" />
            </label>
          ))}
        </div>
      )}
      {q.type === 'multiple' && (
        <div role="group" aria-labelledby={stemId} className="choices">
          <p className="hint">{t('attempt.chooseAll')}</p>
          {q.choices?.map((c) => {
            const chosen = r.choices?.includes(c.id) ?? false;
            return (
              <label key={c.id} className={chosen ? 'choice chosen' : 'choice'}>
                <input type="checkbox" value={c.id} checked={chosen} disabled={readOnly}
                       onChange={() => onChange({ choices: chosen ? (r.choices ?? []).filter((x) => x !== c.id) : [...(r.choices ?? []), c.id] })} />
                <Rich html={c.text} as="span" />
              </label>
            );
          })}
        </div>
      )}
      {q.type === 'truefalse' && (
        <div role="radiogroup" aria-labelledby={stemId} className="choices">
          {[true, false].map((v) => (
            <label key={String(v)} className={r.value === v ? 'choice chosen' : 'choice'}>
              <input type="radio" name={name} checked={r.value === v} disabled={readOnly} onChange={() => onChange({ value: v })} />
              <span>{v ? t('attempt.true') : t('attempt.false')}</span>
            </label>
          ))}
        </div>
      )}
      {(q.type === 'short' || q.type === 'numerical') && (
        <TextAnswer label={t('attempt.yourAnswer')} value={r.text ?? ''} readOnly={readOnly} numeric={q.type === 'numerical'}
                    onChange={(text, typing) => onChange({ text }, typing)} />
      )}
      {q.type === 'essay' && (
        <TextAnswer label={t('attempt.yourAnswer')} value={r.text ?? ''} readOnly={readOnly} multiline
                    onChange={(text, typing) => onChange({ text }, typing)} />
      )}
      {q.type === 'matching' && (
        <div className="matching">
          {q.prompts?.map((p) => (
            <div key={p.id} className="match-row">
              <label htmlFor={`${name}-${p.id}`}><Rich html={p.text} as="span" /></label>
              <select id={`${name}-${p.id}`} value={r.pairs?.[p.id] ?? ''} disabled={readOnly}
                      onChange={(e) => onChange({ pairs: { ...(r.pairs ?? {}), [p.id]: e.target.value } })}>
                <option value="">{t('attempt.choose')}</option>
                {q.answers?.map((a) => <option key={a} value={a}>{a}</option>)}
              </select>
            </div>
          ))}
        </div>
      )}
      {q.type === 'ordering' && <Ordering question={q} response={r} onChange={onChange} readOnly={readOnly} />}
    </div>
  );
}

function TextAnswer({ label, value, onChange, readOnly, numeric, multiline }: {
  label: string; value: string; onChange: (text: string, typing: boolean) => void; readOnly: boolean; numeric?: boolean; multiline?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  const last = useRef(value);
  useEffect(() => { if (value !== last.current) { setText(value); last.current = value; } }, [value]);
  const change = (v: string) => { setText(v); last.current = v; onChange(v, true); };
  const commit = () => onChange(text, false);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline
        ? <textarea id={id} rows={8} value={text} readOnly={readOnly} onChange={(e) => change(e.target.value)} onBlur={commit} />
        : <input id={id} value={text} readOnly={readOnly} inputMode={numeric ? 'decimal' : undefined} autoComplete="off"
                 onChange={(e) => change(e.target.value)} onBlur={commit} />}
    </div>
  );
}

function Ordering({ question, response, onChange, readOnly }: {
  question: StudentQuestion; response: QuestionResponse; onChange: (r: QuestionResponse) => void; readOnly: boolean;
}) {
  const { t } = useTranslation();
  const items = question.items ?? [];
  const order = response.order && response.order.length === items.length ? response.order : items.map((i) => i.id);
  const byId = new Map(items.map((i) => [i.id, i]));
  const move = (index: number, delta: number) => {
    const next = [...order];
    const [x] = next.splice(index, 1);
    next.splice(index + delta, 0, x);
    onChange({ order: next });
  };
  return (
    <ol className="ordering">
      {order.map((id, i) => (
        <li key={id} className="order-item">
          <Rich html={byId.get(id)?.text ?? id} as="span" />
          {!readOnly && (
            <span className="toolbar">
              <button type="button" className="btn btn-small btn-icon" disabled={i === 0} onClick={() => move(i, -1)}
                      aria-label={t('attempt.moveUp', { item: plain(byId.get(id)?.text ?? '') })}>↑</button>
              <button type="button" className="btn btn-small btn-icon" disabled={i === order.length - 1} onClick={() => move(i, 1)}
                      aria-label={t('attempt.moveDown', { item: plain(byId.get(id)?.text ?? '') })}>↓</button>
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

function Cloze({ question, response, onChange, readOnly }: {
  question: StudentQuestion; response: QuestionResponse; onChange: (r: QuestionResponse, typing?: boolean) => void; readOnly: boolean;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const [slots, setSlots] = useState<Record<string, HTMLElement>>({});
  const html = question.stem.replace(/\[\[([A-Za-z0-9_-]{1,20})\]\]/g, '<span data-blank="$1"></span>');
  useEffect(() => {
    const found: Record<string, HTMLElement> = {};
    ref.current?.querySelectorAll<HTMLElement>('[data-blank]').forEach((el) => { found[el.dataset.blank!] = el; });
    setSlots(found);
  }, [html]);
  const set = (id: string, value: string, typing: boolean) => onChange({ blanks: { ...(response.blanks ?? {}), [id]: value } }, typing);
  return (
    <div className="question-input cloze">
      <div ref={ref}><Rich html={html} className="question-stem" testId="question-stem" /></div>
      {question.blanks?.map((b) => slots[b.id] && createPortal(
        b.kind === 'choice' ? (
          <select aria-label={t('attempt.blank', { n: b.id })} value={response.blanks?.[b.id] ?? ''} disabled={readOnly}
                  onChange={(e) => set(b.id, e.target.value, false)}>
            <option value="">…</option>
            {b.choices?.map((c) => <option key={c.id} value={c.id}>{plain(c.text)}</option>)}
          </select>
        ) : (
          <input className="blank-input" aria-label={t('attempt.blank', { n: b.id })} value={response.blanks?.[b.id] ?? ''} readOnly={readOnly}
                 inputMode={b.kind === 'numeric' ? 'decimal' : undefined} autoComplete="off"
                 onChange={(e) => set(b.id, e.target.value, true)} onBlur={(e) => set(b.id, e.target.value, false)} />
        ), slots[b.id], b.id))}
    </div>
  );
}
