import './assessment.css';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { assessment, questionTypes, type QuestionContent, type QuestionFields, type QuestionType } from '../../api/assessment';
import { ErrorMessage, Loading, Notice, useTitle } from '../../components/common';
import { Rich } from './Rich';

const letters = 'abcdefghijklmnopqrstuvwxyz';

function blank(type: QuestionType): QuestionContent {
  switch (type) {
    case 'single': case 'multiple':
      return { type, stem: '', choices: [0, 1, 2, 3].map((i) => ({ id: letters[i], text: '', fraction: i === 0 ? 1 : 0 })) };
    case 'truefalse': return { type, stem: '', correct: true };
    case 'short': return { type, stem: '', accepted: [{ text: '', fraction: 1 }], caseSensitive: false };
    case 'numerical': return { type, stem: '', numbers: [{ value: 0, tolerance: 0, fraction: 1 }] };
    case 'matching': return { type, stem: '', pairs: [1, 2, 3].map((i) => ({ id: `p${i}`, prompt: '', answer: '' })), distractors: [] };
    case 'ordering': return { type, stem: '', items: [1, 2, 3].map((i) => ({ id: `i${i}`, text: '' })) };
    case 'cloze': return { type, stem: '… [[1]] …', blanks: [{ id: '1', kind: 'text', accepted: [{ text: '', fraction: 1 }] }] };
    default: return { type, stem: '' };
  }
}

/** Create or edit a bank question of any type; a live preview renders its math. */
export function QuestionEditorPage() {
  const { t } = useTranslation();
  const { institutionId, questionId } = useParams();
  const navigate = useNavigate();
  const [fields, setFields] = useState<QuestionFields | null>(questionId ? null : {
    title: '', subject: null, level: null, tags: [], difficulty: 3, shared: false, content: blank('single'),
  });
  const [owner, setOwner] = useState(institutionId ?? '');
  const [canEdit, setCanEdit] = useState(true);
  const [version, setVersion] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useTitle(t('editorQ.title'));

  useEffect(() => {
    if (!questionId) return;
    assessment.question(questionId).then((d) => {
      setFields({ title: d.summary.title, subject: d.summary.subject, level: d.summary.level, tags: d.summary.tags,
        difficulty: d.summary.difficulty, shared: d.summary.shared, content: d.content });
      setOwner(d.summary.institutionId);
      setCanEdit(d.canEdit);
      setVersion(d.summary.version);
    }).catch(setError);
  }, [questionId]);

  if (!fields) return <div className="page">{error ? <ErrorMessage error={error} /> : <Loading />}</div>;
  const c = fields.content;
  const set = (content: Partial<QuestionContent>) => setFields({ ...fields, content: { ...c, ...content } });

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const result = questionId ? await assessment.updateQuestion(questionId, fields!) : await assessment.createQuestion(owner, fields!);
      setVersion(result.summary.version);
      setSaved(true);
      if (!questionId) navigate(`/questions/${result.summary.id}/edit`, { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page question-editor">
      <p className="breadcrumb"><Link to={`/institutions/${owner}/bank`}>← {t('bank.title')}</Link></p>
      <h1>{questionId ? t('editorQ.edit') : t('editorQ.new')}{version !== null && <span className="muted small"> · v{version}</span>}</h1>
      {!canEdit && <p className="alert alert-warning">{t('editorQ.sharedReadOnly')}</p>}
      <form className="card form" onSubmit={save} noValidate data-testid="question-form">
        <div className="field"><label htmlFor="qe-title">{t('editorQ.name')}</label>
          <input id="qe-title" required maxLength={200} value={fields.title} onChange={(e) => setFields({ ...fields, title: e.target.value })} /></div>
        <div className="field"><label htmlFor="qe-type">{t('bank.type')}</label>
          <select id="qe-type" value={c.type} onChange={(e) => setFields({ ...fields, content: { ...blank(e.target.value as QuestionType), stem: c.stem } })}>
            {questionTypes.map((x) => <option key={x} value={x}>{t(`questionType.${x}`)}</option>)}
          </select></div>
        <div className="grid-2">
          <div className="field"><label htmlFor="qe-subject">{t('editorQ.subject')}</label>
            <input id="qe-subject" value={fields.subject ?? ''} onChange={(e) => setFields({ ...fields, subject: e.target.value || null })} /></div>
          <div className="field"><label htmlFor="qe-level">{t('editorQ.level')}</label>
            <input id="qe-level" value={fields.level ?? ''} onChange={(e) => setFields({ ...fields, level: e.target.value || null })} /></div>
          <div className="field"><label htmlFor="qe-tags">{t('editorQ.tags')}</label>
            <input id="qe-tags" value={fields.tags.join(', ')} onChange={(e) => setFields({ ...fields, tags: e.target.value.split(',').map((x) => x.trim()).filter(Boolean) })} /></div>
          <div className="field"><label htmlFor="qe-diff">{t('editorQ.difficulty')}</label>
            <select id="qe-diff" value={fields.difficulty} onChange={(e) => setFields({ ...fields, difficulty: Number(e.target.value) })}>
              {[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{t('bank.difficulty', { n })}</option>)}
            </select></div>
        </div>
        <label className="check"><input type="checkbox" checked={fields.shared} onChange={(e) => setFields({ ...fields, shared: e.target.checked })} /> {t('editorQ.shared')}</label>
        <div className="field"><label htmlFor="qe-stem">{t('editorQ.stem')}</label>
          <textarea id="qe-stem" rows={5} value={c.stem} onChange={(e) => set({ stem: e.target.value })} />
          <p className="hint">{c.type === 'cloze' ? t('editorQ.clozeHint') : t('editorQ.stemHint')}</p></div>
        {c.stem && <div className="preview"><p className="muted small">{t('editorQ.preview')}</p><Rich html={c.stem} /></div>}

        {(c.type === 'single' || c.type === 'multiple') && (
          <fieldset><legend>{t('editorQ.options')}</legend>
            {c.choices?.map((o, i) => (
              <div key={i} className="option-row">
                <input aria-label={t('editorQ.optionText', { n: i + 1 })} value={o.text}
                       onChange={(e) => set({ choices: c.choices!.map((x, k) => (k === i ? { ...x, text: e.target.value } : x)) })} />
                <label className="check"><input type={c.type === 'single' ? 'radio' : 'checkbox'} name="qe-right" checked={o.fraction > 0}
                       onChange={(e) => set({ choices: c.choices!.map((x, k) => (c.type === 'single' ? { ...x, fraction: k === i ? 1 : 0 }
                         : k === i ? { ...x, fraction: e.target.checked ? 1 : 0 } : { ...x, fraction: x.fraction > 0 ? 1 : 0 })) })} />
                  {t('editorQ.right')}</label>
                <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => set({ choices: c.choices!.filter((_, k) => k !== i) })}>{t('common.delete')}</button>
              </div>
            ))}
            <button type="button" className="btn btn-small" onClick={() => set({ choices: [...(c.choices ?? []), { id: letters[(c.choices?.length ?? 0) % 26] + (c.choices?.length ?? 0), text: '', fraction: 0 }] })}>+ {t('editorQ.addOption')}</button>
            {c.type === 'multiple' && <p className="hint">{t('editorQ.multipleHint')}</p>}
          </fieldset>
        )}
        {c.type === 'truefalse' && (
          <div className="field"><label htmlFor="qe-tf">{t('editorQ.rightAnswer')}</label>
            <select id="qe-tf" value={String(c.correct)} onChange={(e) => set({ correct: e.target.value === 'true' })}>
              <option value="true">{t('attempt.true')}</option><option value="false">{t('attempt.false')}</option>
            </select></div>
        )}
        {c.type === 'short' && (
          <fieldset><legend>{t('editorQ.accepted')}</legend>
            {c.accepted?.map((a, i) => (
              <div key={i} className="option-row">
                <input aria-label={t('editorQ.acceptedText', { n: i + 1 })} value={a.text} onChange={(e) => set({ accepted: c.accepted!.map((x, k) => (k === i ? { ...x, text: e.target.value } : x)) })} />
                <input aria-label={t('editorQ.credit', { n: i + 1 })} type="number" min={0} max={100} value={Math.round(a.fraction * 100)} className="narrow"
                       onChange={(e) => set({ accepted: c.accepted!.map((x, k) => (k === i ? { ...x, fraction: Number(e.target.value) / 100 } : x)) })} />
              </div>
            ))}
            <button type="button" className="btn btn-small" onClick={() => set({ accepted: [...(c.accepted ?? []), { text: '', fraction: 1 }] })}>+ {t('editorQ.addAccepted')}</button>
            <label className="check"><input type="checkbox" checked={!!c.caseSensitive} onChange={(e) => set({ caseSensitive: e.target.checked })} /> {t('editorQ.caseSensitive')}</label>
            <p className="hint">{t('editorQ.wildcardHint')}</p>
          </fieldset>
        )}
        {c.type === 'numerical' && (
          <fieldset><legend>{t('editorQ.numbers')}</legend>
            {c.numbers?.map((n, i) => (
              <div key={i} className="option-row">
                <input aria-label={t('editorQ.value', { n: i + 1 })} type="number" step="any" value={n.value} onChange={(e) => set({ numbers: c.numbers!.map((x, k) => (k === i ? { ...x, value: Number(e.target.value) } : x)) })} />
                <input aria-label={t('editorQ.tolerance', { n: i + 1 })} type="number" step="any" min={0} value={n.tolerance} className="narrow" onChange={(e) => set({ numbers: c.numbers!.map((x, k) => (k === i ? { ...x, tolerance: Number(e.target.value) } : x)) })} />
              </div>
            ))}
          </fieldset>
        )}
        {c.type === 'matching' && (
          <fieldset><legend>{t('editorQ.pairs')}</legend>
            {c.pairs?.map((p, i) => (
              <div key={i} className="option-row">
                <input aria-label={t('editorQ.prompt', { n: i + 1 })} value={p.prompt} onChange={(e) => set({ pairs: c.pairs!.map((x, k) => (k === i ? { ...x, prompt: e.target.value } : x)) })} />
                <input aria-label={t('editorQ.match', { n: i + 1 })} value={p.answer} onChange={(e) => set({ pairs: c.pairs!.map((x, k) => (k === i ? { ...x, answer: e.target.value } : x)) })} />
              </div>
            ))}
            <button type="button" className="btn btn-small" onClick={() => set({ pairs: [...(c.pairs ?? []), { id: `p${(c.pairs?.length ?? 0) + 1}`, prompt: '', answer: '' }] })}>+ {t('editorQ.addPair')}</button>
            <div className="field"><label htmlFor="qe-distractors">{t('editorQ.distractors')}</label>
              <input id="qe-distractors" value={(c.distractors ?? []).join(', ')} onChange={(e) => set({ distractors: e.target.value.split(',').map((x) => x.trim()).filter(Boolean) })} /></div>
          </fieldset>
        )}
        {c.type === 'ordering' && (
          <fieldset><legend>{t('editorQ.itemsInOrder')}</legend>
            {c.items?.map((it, i) => (
              <input key={i} aria-label={t('editorQ.item', { n: i + 1 })} value={it.text} onChange={(e) => set({ items: c.items!.map((x, k) => (k === i ? { ...x, text: e.target.value } : x)) })} />
            ))}
            <button type="button" className="btn btn-small" onClick={() => set({ items: [...(c.items ?? []), { id: `i${(c.items?.length ?? 0) + 1}`, text: '' }] })}>+ {t('editorQ.addItem')}</button>
          </fieldset>
        )}
        {c.type === 'cloze' && (
          <fieldset><legend>{t('editorQ.blanks')}</legend>
            {c.blanks?.map((b, i) => (
              <div key={i} className="option-row">
                <span className="mono">[[{b.id}]]</span>
                <input aria-label={t('editorQ.blankAnswers', { n: b.id })} value={(b.accepted ?? []).map((a) => a.text).join(' | ')}
                       onChange={(e) => set({ blanks: c.blanks!.map((x, k) => (k === i ? { ...x, kind: 'text', accepted: e.target.value.split('|').map((s) => ({ text: s.trim(), fraction: 1 })).filter((a) => a.text) } : x)) })} />
              </div>
            ))}
            <button type="button" className="btn btn-small" onClick={() => set({ blanks: [...(c.blanks ?? []), { id: String((c.blanks?.length ?? 0) + 1), kind: 'text', accepted: [] }] })}>+ {t('editorQ.addBlank')}</button>
          </fieldset>
        )}
        <div className="field"><label htmlFor="qe-feedback">{t('editorQ.generalFeedback')}</label>
          <textarea id="qe-feedback" rows={2} value={c.generalFeedback ?? ''} onChange={(e) => set({ generalFeedback: e.target.value || null })} /></div>
        <ErrorMessage error={error} />
        {saved && <Notice testId="question-saved">{t('editorQ.saved')}</Notice>}
        {canEdit && <button type="submit" className="btn btn-primary" disabled={busy || !fields.title.trim()}>{t('common.save')}</button>}
      </form>
    </div>
  );
}
