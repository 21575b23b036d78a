import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { credentialApi, type CredentialView, type Recipient, type Share, type Verification } from '../../api/moocs';
import { Badge, ErrorMessage, Field, Loading, Notice, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { CredentialLinks } from '../moocs/LearningPages';
import { formatDate } from '../moocs/format';

function CredentialSummary({ credential }: { credential: CredentialView }) {
  const { t, i18n } = useTranslation();
  return (
    <dl className="facts" data-testid="credential-summary">
      <dt>{t('credentials.holder')}</dt><dd data-testid="holder">{credential.subjectName}</dd>
      <dt>{t('credentials.course')}</dt><dd>{credential.courseTitle}</dd>
      <dt>{t('credentials.issuer')}</dt><dd>{credential.institutionName}</dd>
      <dt>{t('credentials.issued')}</dt><dd>{formatDate(credential.issuedAt, i18n.language)}</dd>
      <dt>{t('credentials.grade')}</dt><dd>{credential.grade}% ({credential.letterGrade})</dd>
      {credential.credits !== null && (
        <><dt>{t('credentials.credits')}</dt><dd>{credential.credits}{credential.ects !== null && ` (${credential.ects} ECTS)`}</dd></>
      )}
    </dl>
  );
}

function Checks({ verification }: { verification: Verification }) {
  const { t } = useTranslation();
  return (
    <ul className="plain-list checks" data-testid="checks">
      {verification.checks.map((c) => (
        <li key={c.check} data-check={c.check} data-passed={String(c.passed)}>
          <span aria-hidden="true">{c.passed ? '✓' : '✗'}</span> {t(`credentials.check.${c.check}`, { defaultValue: c.check })}
          {c.detail && <span className="muted small"> — {c.detail}</span>}
        </li>
      ))}
    </ul>
  );
}

/** Anyone, signed in or not, checks a certificate or credit record by its id. */
export function VerifyPage() {
  const { t } = useTranslation();
  const { credentialId = '' } = useParams();
  const { data, error, loading, reload } = useLoad(() => credentialApi.verify(credentialId), [credentialId]);
  useTitle(t('credentials.verify.title'));
  if (!data) return <div className="page">{loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />}</div>;
  const v = data.verification;
  const c = data.credential;
  return (
    <div className="page verify-page">
      <h1>{t('credentials.verify.title')}</h1>
      <div className={v.valid ? 'alert alert-success verdict' : 'alert alert-error verdict'} role="status" data-testid="verdict"
           data-valid={String(v.valid)} data-revoked={String(v.revoked)}>
        <strong>{v.valid ? t('credentials.verify.valid') : c?.supersededBy ? t('credentials.verify.superseded') : v.revoked ? t('credentials.verify.revoked') : t('credentials.verify.invalid')}</strong>
        {c?.revocationReason && <span> — {c.revocationReason}</span>}
        {c?.supersededBy && <> · <Link to={`/verify/${c.supersededBy}`} data-testid="successor">{t('credentials.verify.successor')}</Link></>}
      </div>
      {c && (
        <section className="card">
          <h2>{t(`credentials.kind.${c.kind}`)}</h2>
          <CredentialSummary credential={c} />
          <CredentialLinks credential={c} />
        </section>
      )}
      <section className="card">
        <h2>{t('credentials.verify.how')}</h2>
        <Checks verification={v} />
        <p className="muted small">{t('credentials.verify.explain')}</p>
      </section>
    </div>
  );
}

export function TranscriptPage() {
  const { t, i18n } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => credentialApi.transcript(), []);
  useTitle(t('credentials.transcript.title'));
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('credentials.transcript.title')}</h1>
          <p className="muted">{t('credentials.transcript.tagline')}</p>
        </div>
        <a className="btn" href={credentialApi.transcriptUrl} download data-testid="transcript-download">{t('credentials.transcript.download')}</a>
      </div>
      <ErrorMessage error={error} onRetry={() => void reload()} />
      {loading && !data && <Loading />}
      {data?.length === 0 && <div className="empty"><p>{t('credentials.transcript.empty')}</p></div>}
      <ul className="plain-list">
        {data?.map(({ credential, shares }) => (
          <li key={credential.id} className="card" data-testid="transcript-entry" data-kind={credential.kind}>
            <p>
              <Badge tone={credential.kind === 'credit' ? 'credit' : 'kind'}>{t(`credentials.kind.${credential.kind}`)}</Badge>{' '}
              {credential.supersededBy ? <Badge tone="draft">{t('credentials.superseded')}</Badge>
                : credential.revokedAt && <Badge tone="draft">{t('credentials.revoked')}</Badge>}
            </p>
            <h2>{credential.courseTitle}</h2>
            <p className="muted">{credential.institutionName} · {formatDate(credential.issuedAt, i18n.language)} · {credential.grade}% ({credential.letterGrade})
              {credential.credits !== null && <> · {t('moocs.credits', { credits: credential.credits })}</>}</p>
            <CredentialLinks credential={credential} />
            {shares.length > 0 && (
              <ul className="plain-list shares">
                {shares.map((s) => <ShareLine key={s.id} share={s} />)}
              </ul>
            )}
            {credential.kind === 'credit' && !credential.revokedAt && <ShareForm credential={credential} onShared={() => void reload()} />}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ShareLine({ share }: { share: Share }) {
  const { t, i18n } = useTranslation();
  return (
    <li data-testid="share" data-decision={share.decision}>
      <strong>{share.toInstitutionName}</strong>: {t(`credentials.decision.${share.decision}`)}
      {share.decision === 'accepted' && <> — {t('credentials.recognisedAs', { course: share.recognisedAs, code: share.recognisedCode ?? '', credits: share.recognisedCredits })}</>}
      {share.decision === 'refused' && share.reason && <> — {share.reason}</>}
      {share.markedAt && <MarkedNote share={share} />}
      {share.decidedAt && <span className="muted small"> · {formatDate(share.decidedAt, i18n.language)}</span>}
    </li>
  );
}

/** A decision marked because its credential was revoked or replaced after it was made: what it was, and when that happened. */
function MarkedNote({ share }: { share: Share }) {
  const { t, i18n } = useTranslation();
  return (
    <span data-testid="share-marked">
      {' '}— {t('credentials.marked', {
        before: t(`credentials.decision.${share.decisionBefore ?? 'pending'}`), date: formatDate(share.markedAt ?? '', i18n.language),
      })}
      {share.decisionBefore === 'accepted' && <> ({t('credentials.recognisedAs', { course: share.recognisedAs, code: share.recognisedCode ?? '', credits: share.recognisedCredits })})</>}
    </span>
  );
}

function ShareForm({ credential, onShared }: { credential: CredentialView; onShared: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [recipients, setRecipients] = useState<Recipient[]>([]);
  const [to, setTo] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(() => {
      credentialApi.recipients(q).then((r) => setRecipients(r.filter((x) => x.id !== credential.institutionId))).catch(setError);
    }, 200);
    return () => clearTimeout(timer);
  }, [open, q, credential.institutionId]);
  if (!open) return <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>{t('credentials.share.open')}</button>;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await credentialApi.share(credential.id, to, message);
      setOpen(false);
      onShared();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form className="form share-form" onSubmit={submit} data-testid="share-form">
      <Field label={t('credentials.share.search')}>{(p) => <input {...p} type="search" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} />}</Field>
      <Field label={t('credentials.share.to')}>
        {(p) => (
          <select {...p} value={to} onChange={(e) => setTo(e.target.value)} required>
            <option value="">{t('credentials.share.choose')}</option>
            {recipients.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('credentials.share.message')}>{(p) => <textarea {...p} rows={2} value={message} onChange={(e) => setMessage(e.target.value)} maxLength={2000} />}</Field>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary">{t('credentials.share.submit')}</button>
        <button type="button" className="btn" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

export function RecognitionInboxPage() {
  const { t, i18n } = useTranslation();
  const { institutionId = '' } = useParams();
  const [decision, setDecision] = useState('pending');
  const { data, error, loading, reload } = useLoad(() => credentialApi.inbox(institutionId, decision || undefined), [institutionId, decision]);
  useTitle(t('credentials.inbox.title'));
  return (
    <div className="page">
      <h1>{t('credentials.inbox.title')}</h1>
      <p className="muted">{t('credentials.inbox.tagline')}</p>
      <div className="field">
        <label htmlFor="inbox-filter">{t('credentials.inbox.show')}</label>
        <select id="inbox-filter" value={decision} onChange={(e) => setDecision(e.target.value)}>
          <option value="pending">{t('credentials.decision.pending')}</option>
          <option value="accepted">{t('credentials.decision.accepted')}</option>
          <option value="refused">{t('credentials.decision.refused')}</option>
          <option value="credential-revoked">{t('credentials.decision.credential-revoked')}</option>
          <option value="credential-replaced">{t('credentials.decision.credential-replaced')}</option>
          <option value="">{t('credentials.inbox.all')}</option>
        </select>
      </div>
      <ErrorMessage error={error} onRetry={() => void reload()} />
      {loading && !data && <Loading />}
      {data?.items.length === 0 && <div className="empty"><p>{t('credentials.inbox.empty')}</p></div>}
      <ul className="plain-list" data-testid="inbox">
        {data?.items.map((s) => (
          <li key={s.id} className="card" data-testid="inbox-item">
            <p><Badge tone={s.decision === 'pending' || s.markedAt ? 'draft' : 'published'}>{t(`credentials.decision.${s.decision}`)}</Badge>
              {s.markedAt && <MarkedNote share={s} />}</p>
            <h2><Link to={`/recognition/${s.id}`}>{s.subjectName} — {s.courseTitle}</Link></h2>
            <p className="muted">{s.issuerName} · {t('moocs.credits', { credits: s.credits ?? 0 })} · {s.grade}% · {formatDate(s.sharedAt, i18n.language)}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function RecognitionPage() {
  const { t } = useTranslation();
  const { shareId = '' } = useParams();
  const { data, error, loading, reload, setData } = useLoad(() => credentialApi.recognition(shareId), [shareId]);
  const [accept, setAccept] = useState(true);
  const [course, setCourse] = useState('');
  const [code, setCode] = useState('');
  const [credits, setCredits] = useState('');
  const [reason, setReason] = useState('');
  const [decideError, setDecideError] = useState<unknown>(null);
  useTitle(t('credentials.recognition.title'));
  if (!data) return <div className="page">{loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />}</div>;
  const { share, credential, verification } = data;
  const decide = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setData(await credentialApi.decide(shareId, accept
        ? { accept: true, recognisedAs: course, recognisedCode: code, recognisedCredits: credits === '' ? null : Number(credits) }
        : { accept: false, reason }));
      setDecideError(null);
    } catch (e) {
      setDecideError(e);
    }
  };
  return (
    <div className="page">
      <p className="breadcrumb"><Link to={`/institutions/${share.toInstitutionId}/recognition`}>← {t('credentials.inbox.title')}</Link></p>
      <h1>{t('credentials.recognition.title')}</h1>
      <div className={verification.valid ? 'alert alert-success' : 'alert alert-error'} role="status" data-testid="recognition-verdict"
           data-valid={String(verification.valid)}>
        {verification.valid ? t('credentials.verify.valid') : verification.revoked ? t('credentials.verify.revoked') : t('credentials.verify.invalid')}
      </div>
      <section className="card">
        <CredentialSummary credential={credential} />
        <Checks verification={verification} />
        {share.message && <blockquote>{share.message}</blockquote>}
      </section>
      {share.decision !== 'pending' && (
        <Notice testId="decision">{t(`credentials.decision.${share.decision}`)}
          {share.decision === 'accepted' && <> — {t('credentials.recognisedAs', { course: share.recognisedAs, code: share.recognisedCode ?? '', credits: share.recognisedCredits })}</>}
          {share.markedAt && <MarkedNote share={share} />}
          {share.reason && <> — {share.reason}</>}
        </Notice>
      )}
      {/* A decision marked because its credential was revoked or replaced can be decided again (a refusal, with a reason). */}
      {(share.decision === 'pending' || share.markedAt) && (
        <form className="card form" onSubmit={decide} data-testid="decision-form">
          <fieldset>
            <legend>{t('credentials.recognition.decision')}</legend>
            <label className="choice-inline"><input type="radio" name="accept" checked={accept} onChange={() => setAccept(true)} /> {t('credentials.recognition.accept')}</label>
            <label className="choice-inline"><input type="radio" name="accept" checked={!accept} onChange={() => setAccept(false)} /> {t('credentials.recognition.refuse')}</label>
          </fieldset>
          {accept ? (
            <>
              <Field label={t('credentials.recognition.course')}>{(p) => <input {...p} value={course} onChange={(e) => setCourse(e.target.value)} required maxLength={200} />}</Field>
              <Field label={t('credentials.recognition.code')}>{(p) => <input {...p} value={code} onChange={(e) => setCode(e.target.value)} maxLength={50} />}</Field>
              <Field label={t('credentials.recognition.credits')}>{(p) => <input {...p} type="number" min={0} max={60} value={credits} onChange={(e) => setCredits(e.target.value)} required />}</Field>
            </>
          ) : (
            <Field label={t('credentials.recognition.reason')}>{(p) => <textarea {...p} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} />}</Field>
          )}
          <ErrorMessage error={decideError} />
          <button type="submit" className="btn btn-primary">{t('credentials.recognition.record')}</button>
        </form>
      )}
    </div>
  );
}
