import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { moocApi, type Run } from '../../api/moocs';
import { useAuth } from '../../auth/AuthContext';
import { Badge, ErrorMessage, Field, Loading, useTitle } from '../../components/common';
import { Markdown } from '../../components/Markdown';
import { useLoad } from '../../components/useLoad';
import { fieldErrorText } from '../../errors';
import { creditsText, formatDate, formatVnd, languageText, levelText } from './format';
import { PasswordStrengthMeter } from '../../auth/PasswordStrengthMeter';

export function CatalogueCoursePage() {
  const { t, i18n } = useTranslation();
  const { slug = '' } = useParams();
  const { me } = useAuth();
  const { data, error, loading, reload } = useLoad(() => moocApi.detail(slug), [slug, me?.id]);
  useTitle(data?.course.title);

  if (!data) {
    return <div className="page">{loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />}</div>;
  }
  const c = data.course;
  const credits = creditsText(t, c);
  return (
    <div className="page catalogue-course">
      <p className="breadcrumb"><Link to="/catalogue">← {t('moocs.nav.catalogue')}</Link></p>
      <header className="course-head">
        <div className="course-card-badges">
          {credits && <Badge tone="credit" testId="credit-badge">{credits}</Badge>}
          <Badge tone="kind">{levelText(t, c.level)}</Badge>
          <Badge tone="kind">{languageText(t, c.language)}</Badge>
        </div>
        <h1>{c.title}</h1>
        <p className="muted">{c.institutionName} · {c.subject}</p>
        {c.summary && <p className="course-summary">{c.summary}</p>}
        {data.canManage && (
          <p className="actions"><Link className="btn" to={`/moocs/${c.id}/manage`}>{t('moocs.manage.open')}</Link></p>
        )}
      </header>

      <dl className="card facts" data-testid="course-facts">
        {c.effortHoursPerWeek && <><dt>{t('moocs.facts.effort')}</dt><dd>{t('moocs.facts.hoursPerWeek', { hours: c.effortHoursPerWeek })}</dd></>}
        {c.durationWeeks && <><dt>{t('moocs.facts.duration')}</dt><dd>{t('moocs.facts.weeks', { weeks: c.durationWeeks })}</dd></>}
        <dt>{t('moocs.facts.credits')}</dt><dd>{credits ?? t('moocs.facts.noCredit')}</dd>
        <dt>{t('moocs.facts.price')}</dt><dd>{c.priceVnd === 0 ? t('moocs.free') : formatVnd(c.priceVnd, i18n.language)}</dd>
      </dl>

      <section className="card" aria-labelledby="runs-title">
        <h2 id="runs-title">{t('moocs.runs.title')}</h2>
        {data.runs.length === 0 && <p className="muted">{t('moocs.runs.none')}</p>}
        <ul className="run-list">
          {data.runs.map((run) => (
            <RunOffer key={run.id} run={run} enrolled={data.myRunIds.includes(run.id)} slug={slug} />
          ))}
        </ul>
      </section>

      {data.syllabus && (
        <section className="card" aria-labelledby="syllabus-title">
          <h2 id="syllabus-title">{t('moocs.syllabus')}</h2>
          <Markdown source={data.syllabus} />
        </section>
      )}
      {data.instructors.length > 0 && (
        <section className="card" aria-labelledby="instructors-title">
          <h2 id="instructors-title">{t('moocs.instructors')}</h2>
          <ul>{data.instructors.map((i) => <li key={i}>{i}</li>)}</ul>
        </section>
      )}
    </div>
  );
}

function RunOffer({ run, enrolled, slug }: { run: Run; enrolled: boolean; slug: string }) {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  const [signingUp, setSigningUp] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const full = run.seatsLeft === 0;

  const enrol = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await moocApi.enrol(run.id);
      navigate(`/courses/${result.courseId}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const signUp = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await moocApi.signUp(run.id, name.trim(), email.trim(), password, i18n.language);
      setSentTo(email.trim());
      setPassword('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="run-offer" data-testid="run-offer">
      <p>
        <strong>{t('moocs.runs.label', { label: run.label })}</strong>{' · '}
        {t(`moocs.pace.${run.pace}`)}
        {run.startsAt && <> · {t('moocs.startsOn', { date: formatDate(run.startsAt, i18n.language) })}</>}
        {run.endsAt && <> · {t('moocs.endsOn', { date: formatDate(run.endsAt, i18n.language) })}</>}
      </p>
      {run.seatsLeft !== null && (
        <p className="muted small" data-testid="seats-left">{t('moocs.runs.seatsLeft', { count: run.seatsLeft })}</p>
      )}
      {enrolled ? (
        <Link className="btn btn-primary" to={`/courses/${run.courseId}`} data-testid="go-to-course">{t('moocs.runs.goToCourse')}</Link>
      ) : !run.open ? (
        <p className="muted">{t('moocs.runs.closed')}</p>
      ) : full ? (
        <p className="muted" data-testid="run-full">{t('moocs.runs.full')}</p>
      ) : me ? (
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void enrol()}>{t('moocs.runs.enrol')}</button>
      ) : sentTo !== null ? (
        <p className="alert alert-success" role="status" data-testid="sign-up-sent">{t('moocs.signUp.sent', { email: sentTo })}</p>
      ) : !signingUp ? (
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={() => setSigningUp(true)}>{t('moocs.runs.signUpAndEnrol')}</button>
          <Link className="btn" to={`/sign-in?next=${encodeURIComponent(`/catalogue/${slug}`)}`}>{t('moocs.runs.haveAccount')}</Link>
        </div>
      ) : (
        <form className="form sign-up-form" onSubmit={signUp} aria-label={t('moocs.signUp.title')} data-testid="sign-up-form">
          <h3>{t('moocs.signUp.title')}</h3>
          <p className="muted small">{t('moocs.signUp.explain')}</p>
          <Field label={t('moocs.signUp.name')} error={fieldErrorText(t, error, 'displayName', 'moocSignUp')}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} autoComplete="name" />}
          </Field>
          <Field label={t('moocs.signUp.email')} error={fieldErrorText(t, error, 'email', 'moocSignUp')}>
            {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required maxLength={256} autoComplete="email" />}
          </Field>
          <Field label={t('moocs.signUp.password')} hint={t('moocs.signUp.passwordHint')} error={fieldErrorText(t, error, 'password', 'moocSignUp')}>
            {(p) => <input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10}
                           maxLength={128} autoComplete="new-password" />}
          </Field>
          <PasswordStrengthMeter password={password} userInputs={[name, email]} minimumLength={10} />
          {error !== null && !fieldErrorText(t, error, 'displayName', 'moocSignUp') && !fieldErrorText(t, error, 'email', 'moocSignUp') && !fieldErrorText(t, error, 'password', 'moocSignUp') && (
            <ErrorMessage error={error} context="moocSignUp" />
          )}
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>{t('moocs.signUp.submit')}</button>
            <button type="button" className="btn" onClick={() => setSigningUp(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
      {me && error !== null && <ErrorMessage error={error} context="moocSignUp" />}
    </li>
  );
}
