import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { credentialApi, type CredentialReview, type PolicyPreview } from '../../api/moocs';
import { Badge, ErrorMessage, Field, Loading } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatDate } from './format';

/**
 * A run's credentials to review: learners whose grade moved after their certificate or credit record
 * was issued. The staff keep it (with a reason), re-issue it with the current grade, or revoke it.
 */
export function CredentialReviewList({ courseId, onChanged }: { courseId: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => credentialApi.reviews(courseId), [courseId]);
  if (!data) return loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />;
  if (data.items.length === 0) return null;
  return (
    <section className="credential-reviews" data-testid="credential-reviews">
      <h3>{t('credentials.review.title', { count: data.total })}</h3>
      <p className="muted small">{t('credentials.review.hint')}</p>
      <ul className="plain-list">
        {data.items.map((r) => <ReviewItem key={r.id} review={r} onDecided={() => { void reload(); onChanged(); }} />)}
      </ul>
    </section>
  );
}

function ReviewItem({ review, onDecided }: { review: CredentialReview; onDecided: () => void }) {
  const { t, i18n } = useTranslation();
  const [decision, setDecision] = useState<'keep' | 'reissue' | 'revoke'>(review.passes ? 'reissue' : 'revoke');
  const [reason, setReason] = useState('');
  const kinds = [...new Set(review.credentials.filter((c) => !c.revokedAt).map((c) => c.kind))];
  const [revokeKinds, setRevokeKinds] = useState<string[]>(kinds);
  const [error, setError] = useState<unknown>(null);
  const decide = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      await credentialApi.decideReview(review.id, { decision, reason: reason || undefined, kinds: decision === 'revoke' ? revokeKinds : undefined });
      setError(null);
      onDecided();
    } catch (x) {
      setError(x);
    }
  };
  return (
    <li className="card" data-testid="credential-review" data-cause={review.cause}>
      <p>
        <strong>{review.learnerName}</strong>{' '}
        <Badge tone={review.passes ? 'kind' : 'draft'}>{t(`credentials.review.cause.${review.cause}`)}</Badge>
      </p>
      <p className="muted small">
        {t('credentials.review.grades', { issued: review.issuedGrade, current: review.currentGrade })} · {formatDate(review.updatedAt, i18n.language)}
      </p>
      <form className="form" onSubmit={decide}>
        <fieldset>
          <legend>{t('credentials.recognition.decision')}</legend>
          {(['keep', 'reissue', 'revoke'] as const).map((d) => (
            <label key={d} className="choice-inline">
              <input type="radio" name={`decision-${review.id}`} checked={decision === d} disabled={d === 'reissue' && !review.passes}
                     onChange={() => setDecision(d)} /> {t(`credentials.review.decision.${d}`)}
            </label>
          ))}
        </fieldset>
        {decision === 'revoke' && kinds.length > 1 && (
          <fieldset>
            <legend>{t('credentials.review.revokeWhich')}</legend>
            {kinds.map((k) => (
              <label key={k} className="field-check">
                <input type="checkbox" checked={revokeKinds.includes(k)}
                       onChange={(e) => setRevokeKinds(e.target.checked ? [...revokeKinds, k] : revokeKinds.filter((x) => x !== k))} />
                {' '}{t(`credentials.kind.${k}`)}
              </label>
            ))}
          </fieldset>
        )}
        {decision !== 'reissue' && (
          <Field label={t('credentials.recognition.reason')}>
            {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} />}
          </Field>
        )}
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-small btn-primary">{t('credentials.recognition.record')}</button>
      </form>
    </li>
  );
}

/** Before a policy change is saved: who it would affect (grade or pass), and a choice to save anyway or go back. */
export function PolicyPreviewNotice({ preview, onConfirm, onCancel }: { preview: PolicyPreview; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="alert alert-error" role="status" data-testid="policy-preview">
      <p><strong>{t('credentials.preview.title', { count: preview.affected.length, learners: preview.learners })}</strong></p>
      <ul>
        {preview.affected.map((a) => (
          <li key={a.userId}>
            {a.name}: {t('credentials.preview.change', { now: a.gradeNow, then: a.gradeThen })}
            {a.passesNow && !a.passesThen && <> · <strong>{t('credentials.preview.wouldFail')}</strong></>}
            {a.credentials > 0 && <> · {t('credentials.preview.held', { count: a.credentials })}</>}
          </li>
        ))}
      </ul>
      <p className="muted small">{t('credentials.preview.hint')}</p>
      <div className="actions">
        <button type="button" className="btn btn-primary btn-small" onClick={onConfirm}>{t('credentials.preview.save')}</button>
        <button type="button" className="btn btn-small" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </div>
  );
}
