import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { moocApi, type Assignment, type RubricCriterion, type Submission } from '../../api/moocs';
import type { ItemCreateProps, ItemViewProps } from '../../components/itemKindSpec';
import { ErrorMessage, Field, Loading, Notice } from '../../components/common';
import { Markdown } from '../../components/Markdown';
import { useLoad } from '../../components/useLoad';
import { formatDateTime } from '../../format';
import { FilePicker } from '../../components/FilePicker';

/** The assignment item kind, as a learner or a teacher sees it when it is opened. */
export function AssignmentView({ item }: ItemViewProps) {
  const { t } = useTranslation();
  const { data, error, loading, reload, setData } = useLoad(() => moocApi.assignment(item.refId ?? ''), [item.refId]);
  if (!item.refId) return null;
  if (!data) return loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />;
  return (
    <div className="assignment" data-testid="assignment">
      <Markdown source={data.instructions} testId="item-body" />
      <Rubric rubric={data.rubric} max={data.maxPoints} />
      <p className="muted small">{t(`moocs.assignment.reviewBy.${data.review}`, { count: data.peerReviews })}</p>
      <ReviewDeadlines assignment={data} />
      {data.canSubmit && <SubmitForm assignment={data} onSubmitted={(mine) => setData({ ...data, mine })} />}
      {data.canSubmit && data.review === 'peer' && data.mine && <PeerReview assignment={data} onDone={() => void reload()} />}
      {data.canTeach && <TeacherGrading assignment={data} />}
    </div>
  );
}

function ReviewDeadlines({ assignment }: { assignment: Assignment }) {
  const { t, i18n } = useTranslation();
  if (!assignment.reviewsDueAt && !assignment.finalAt) return null;
  return (
    <p className="muted small" data-testid="review-deadlines">
      {assignment.review === 'peer' && assignment.reviewsDueAt && <>{t('moocs.assignment.reviewsDue', { date: formatDateTime(assignment.reviewsDueAt, i18n.language) })} </>}
      {assignment.finalAt && t('moocs.assignment.finalAt', { date: formatDateTime(assignment.finalAt, i18n.language) })}
    </p>
  );
}

function Rubric({ rubric, max }: { rubric: RubricCriterion[]; max: number }) {
  const { t } = useTranslation();
  return (
    <details className="rubric">
      <summary>{t('moocs.assignment.rubric', { max })}</summary>
      <ul>{rubric.map((c, i) => <li key={i}><strong>{c.criterion}</strong> ({c.points}){c.description && <> — {c.description}</>}</li>)}</ul>
    </details>
  );
}

function SubmitForm({ assignment, onSubmitted }: { assignment: Assignment; onSubmitted: (s: Submission) => void }) {
  const { t, i18n } = useTranslation();
  const mine = assignment.mine;
  const [text, setText] = useState(mine?.text ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const locked = mine !== null && (mine.gradedAt !== null || mine.reviewCount > 0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSubmitted(await moocApi.submit(assignment.id, text, file));
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card submission" aria-labelledby="my-work">
      <h2 id="my-work">{t('moocs.assignment.myWork')}</h2>
      {mine && (
        <p data-testid="submission-status">
          {t('moocs.assignment.submittedAt', { time: formatDateTime(mine.submittedAt, i18n.language) })}
          {mine.score !== null
            ? <> · <strong data-testid="submission-score">{t('moocs.assignment.score', { score: mine.score, max: assignment.maxPoints })}</strong></>
            : <> · {t('moocs.assignment.awaitingReview')}</>}
        </p>
      )}
      {mine?.reviews.map((r, i) => (
        <blockquote key={i} className="review">
          <strong>{t(`moocs.assignment.role.${r.role}`)}</strong>: {r.total}/{assignment.maxPoints}{r.comment && <> — {r.comment}</>}
        </blockquote>
      ))}
      {saved && <Notice testId="submitted">{t('moocs.assignment.saved')}</Notice>}
      {!locked && (
        <form className="form" onSubmit={submit}>
          {assignment.submission !== 'file' && (
            <Field label={t('moocs.assignment.text')}>
              {(p) => <textarea {...p} rows={6} value={text} onChange={(e) => setText(e.target.value)} maxLength={100000} />}
            </Field>
          )}
          {assignment.submission !== 'text' && (
            <Field label={t('moocs.assignment.file')} hint={t('moocs.assignment.fileHint', { types: assignment.fileTypes.join(' ') })}>
              {(p) => <FilePicker {...p} accept={assignment.fileTypes.join(',')} onFile={setFile} />}
            </Field>
          )}
          {mine?.fileName && <p className="muted small">{t('moocs.assignment.currentFile', { name: mine.fileName })}</p>}
          <ErrorMessage error={error} />
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {mine ? t('moocs.assignment.resubmit') : t('moocs.assignment.submit')}
          </button>
        </form>
      )}
    </section>
  );
}

function ScoreInputs({ rubric, scores, onChange }: { rubric: RubricCriterion[]; scores: number[]; onChange: (scores: number[]) => void }) {
  return (
    <>
      {rubric.map((c, i) => (
        <Field key={i} label={`${c.criterion} (0–${c.points})`}>
          {(p) => <input {...p} type="number" min={0} max={c.points} required value={scores[i] ?? ''}
                         onChange={(e) => onChange(scores.map((s, j) => (j === i ? Number(e.target.value) : s)))} />}
        </Field>
      ))}
    </>
  );
}

function ReviewForm({ assignment, submission, onDone }: { assignment: Assignment; submission: Submission; onDone: () => void }) {
  const { t } = useTranslation();
  const [scores, setScores] = useState<number[]>(assignment.rubric.map(() => 0));
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <form className="form review-form" data-testid="review-form" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await moocApi.review(submission.id, scores, comment);
        onDone();
      } catch (x) {
        setError(x);
      }
    }}>
      <ScoreInputs rubric={assignment.rubric} scores={scores} onChange={setScores} />
      <Field label={t('moocs.assignment.comment')}>
        {(p) => <textarea {...p} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={4000} />}
      </Field>
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-primary">{t('moocs.assignment.saveReview')}</button>
    </form>
  );
}

function SubmissionBody({ submission }: { submission: Submission }) {
  const { t } = useTranslation();
  return (
    <>
      {submission.text && <pre className="submission-text">{submission.text}</pre>}
      {submission.fileName && <p><a href={moocApi.fileUrl(submission.id)} download>{t('moocs.assignment.download', { name: submission.fileName })}</a></p>}
    </>
  );
}

function PeerReview({ assignment, onDone }: { assignment: Assignment; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const [next, setNext] = useState<Submission | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  // Reviews are handed out: the one I hold, a new one that still needs reviews, or (when I ask) an optional extra one.
  const load = async (extra = false) => {
    try {
      setNext((await moocApi.nextPeerReview(assignment.id, extra)) ?? null);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  const open = !assignment.reviewsClosed && !assignment.final;
  return (
    <section className="card" aria-labelledby="peer-title">
      <h2 id="peer-title">{t('moocs.assignment.peerTitle')}</h2>
      <p className="muted small">{t('moocs.assignment.peerDone', { done: assignment.peerReviewsDone, needed: assignment.peerReviews })}</p>
      <ErrorMessage error={error} />
      {open && next === undefined && <button type="button" className="btn" onClick={() => void load()}>{t('moocs.assignment.peerNext')}</button>}
      {open && next === null && (
        <>
          <p className="muted">{t('moocs.assignment.peerNone')}</p>
          <button type="button" className="btn btn-small" onClick={() => void load(true)}>{t('moocs.assignment.peerExtra')}</button>
        </>
      )}
      {next && (
        <>
          {next.reviewDueAt && <p className="muted small">{t('moocs.assignment.reviewDue', { time: formatDateTime(next.reviewDueAt, i18n.language) })}</p>}
          {next.extraReview && <p className="muted small">{t('moocs.assignment.extraReview')}</p>}
          <SubmissionBody submission={next} />
          <ReviewForm assignment={assignment} submission={next} onDone={() => { setNext(undefined); onDone(); }} />
        </>
      )}
    </section>
  );
}

function TeacherGrading({ assignment }: { assignment: Assignment }) {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<Submission[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async () => {
    try {
      setItems((await moocApi.submissions(assignment.id, 0, 50)).items);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [assignment.id]);
  return (
    <>
    {assignment.review === 'peer' && assignment.reviewsClosed && <StaffGrading assignment={assignment} onGraded={() => void load()} />}
    <section className="card" aria-labelledby="grading-title">
      <h2 id="grading-title">{t('moocs.assignment.submissions')}</h2>
      <ErrorMessage error={error} />
      {items?.length === 0 && <p className="muted">{t('moocs.assignment.noSubmissions')}</p>}
      <ul className="plain-list">
        {items?.map((s) => (
          <li key={s.id} className="submission-row" data-testid="submission">
            <p><strong>{s.authorName}</strong> · {formatDateTime(s.submittedAt, i18n.language)}
              {s.score !== null && <> · {t('moocs.assignment.score', { score: s.score, max: assignment.maxPoints })}</>}</p>
            <SubmissionBody submission={s} />
            {!s.reviews.some((r) => r.role === 'teacher') && <ReviewForm assignment={assignment} submission={s} onDone={() => void load()} />}
          </li>
        ))}
      </ul>
    </section>
    </>
  );
}

/** After the review deadline: what still lacks peer reviews, for the staff to grade instead ("cần chấm thay"). */
function StaffGrading({ assignment, onGraded }: { assignment: Assignment; onGraded: () => void }) {
  const { t, i18n } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => moocApi.staffGrading(assignment.id), [assignment.id]);
  if (!data) return loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />;
  return (
    <section className="card" aria-labelledby="staff-title" data-testid="staff-grading">
      <h2 id="staff-title">{t('moocs.assignment.staffTitle')} ({data.items.length})</h2>
      <p className="muted small">{t('moocs.assignment.staffHint')}</p>
      {data.items.length === 0 && <p className="muted">{t('moocs.assignment.staffNone')}</p>}
      <ul className="plain-list">
        {data.items.map((s) => (
          <li key={s.id} className="submission-row" data-testid="staff-grading-item">
            <p><strong>{s.authorName}</strong> · {formatDateTime(s.submittedAt, i18n.language)}</p>
            <SubmissionBody submission={s} />
            {!data.final && <ReviewForm assignment={assignment} submission={s} onDone={() => { void reload(); onGraded(); }} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The outline editor's form for a new assignment. */
export function AssignmentCreate({ course, module, onDone, onCancel }: ItemCreateProps) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [instructions, setInstructions] = useState('');
  const [submission, setSubmission] = useState('either');
  const [review, setReview] = useState('teacher');
  const [peerReviews, setPeerReviews] = useState(2);
  const [reviewHours, setReviewHours] = useState(48);
  const [reviewsDueAt, setReviewsDueAt] = useState('');
  const [finalAt, setFinalAt] = useState('');
  const [rubric, setRubric] = useState<RubricCriterion[]>([{ criterion: '', description: null, points: 10 }]);
  const [category, setCategory] = useState('');
  const [categories, setCategories] = useState<{ key: string; name: string }[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    moocApi.grading(course.id).then((g) => setCategories(g.policy?.categories ?? [])).catch(() => setCategories([]));
  }, [course.id]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await moocApi.createAssignment(course.id, {
        moduleId: module.id, title: title.trim(), instructions: instructions.trim(), submission, review, peerReviews,
        rubric: rubric.map((c) => ({ ...c, criterion: c.criterion.trim() })), category: category || null,
        reviewHours, reviewsDueAt: reviewsDueAt ? new Date(reviewsDueAt).toISOString() : null, finalAt: finalAt ? new Date(finalAt).toISOString() : null,
        extraReviewsCount: false,
      });
      onDone();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <form className="form item-form" onSubmit={save} data-testid="assignment-form">
      <Field label={t('editor.itemTitle')}>
        {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />}
      </Field>
      <Field label={t('moocs.assignment.instructions')}>
        {(p) => <textarea {...p} rows={5} value={instructions} onChange={(e) => setInstructions(e.target.value)} required maxLength={20000} />}
      </Field>
      <Field label={t('moocs.assignment.submissionType')}>
        {(p) => (
          <select {...p} value={submission} onChange={(e) => setSubmission(e.target.value)}>
            {['either', 'text', 'file'].map((s) => <option key={s} value={s}>{t(`moocs.assignment.type.${s}`)}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('moocs.assignment.reviewMode')}>
        {(p) => (
          <select {...p} value={review} onChange={(e) => setReview(e.target.value)}>
            <option value="teacher">{t('moocs.assignment.role.teacher')}</option>
            <option value="peer">{t('moocs.assignment.role.peer')}</option>
          </select>
        )}
      </Field>
      {review === 'peer' && (
        <Field label={t('moocs.assignment.peerCount')}>
          {(p) => <input {...p} type="number" min={1} max={5} value={peerReviews} onChange={(e) => setPeerReviews(Number(e.target.value))} />}
        </Field>
      )}
      {review === 'peer' && (
        <>
          <Field label={t('moocs.assignment.reviewHours')}>
            {(p) => <input {...p} type="number" min={1} max={720} value={reviewHours} onChange={(e) => setReviewHours(Number(e.target.value))} />}
          </Field>
          <Field label={t('moocs.assignment.reviewsDueLabel')}>
            {(p) => <input {...p} type="datetime-local" value={reviewsDueAt} onChange={(e) => setReviewsDueAt(e.target.value)} />}
          </Field>
        </>
      )}
      <Field label={t('moocs.assignment.finalLabel')} hint={t('moocs.assignment.finalHint')}>
        {(p) => <input {...p} type="datetime-local" value={finalAt} onChange={(e) => setFinalAt(e.target.value)} />}
      </Field>
      <fieldset className="rubric-editor">
        <legend>{t('moocs.assignment.rubricEditor')}</legend>
        {rubric.map((c, i) => (
          <div key={i} className="row">
            <Field label={t('moocs.assignment.criterion', { n: i + 1 })}>
              {(p) => <input {...p} value={c.criterion} required maxLength={200}
                             onChange={(e) => setRubric(rubric.map((x, j) => (j === i ? { ...x, criterion: e.target.value } : x)))} />}
            </Field>
            <Field label={t('moocs.assignment.points')}>
              {(p) => <input {...p} type="number" min={1} max={100} value={c.points} required
                             onChange={(e) => setRubric(rubric.map((x, j) => (j === i ? { ...x, points: Number(e.target.value) } : x)))} />}
            </Field>
          </div>
        ))}
        <button type="button" className="btn btn-small" onClick={() => setRubric([...rubric, { criterion: '', description: null, points: 10 }])}>
          {t('moocs.assignment.addCriterion')}
        </button>
      </fieldset>
      {categories.length > 0 && (
        <Field label={t('moocs.progress.category')}>
          {(p) => (
            <select {...p} value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t('moocs.manage.noCategory')}</option>
              {categories.map((c) => <option key={c.key} value={c.key}>{c.name}</option>)}
            </select>
          )}
        </Field>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary">{t('editor.saveItem')}</button>
        <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
