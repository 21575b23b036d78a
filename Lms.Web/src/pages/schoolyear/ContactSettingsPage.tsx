import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { contactBookApi, type ContactPreferences } from '../../api/contactBook';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';
import { currentLanguage } from '../../i18n';
import { ContactPushSettings } from './ContactPushSettings';
import './contactWords';
import './contactbook.css';

const toMinutes = (time: string) => { const [h, m] = time.split(':').map(Number); return h * 60 + m; };
const toTime = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** How a person hears of the contact book: e-mail, push, a weekly digest, and quiet hours (Vietnam time) when nothing comes. */
export function ContactSettingsPage() {
  const { t } = useTranslation();
  useTitle(t('contactBook.settings.title'));
  const saved = useLoad(() => contactBookApi.preferences(), []);
  const [form, setForm] = useState<ContactPreferences | null>(null);
  const [quiet, setQuiet] = useState(false);
  const [from, setFrom] = useState('21:00');
  const [to, setTo] = useState('06:30');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (!saved.data) return;
    setForm(saved.data);
    setQuiet(saved.data.quietFrom != null);
    if (saved.data.quietFrom != null && saved.data.quietTo != null) {
      setFrom(toTime(saved.data.quietFrom));
      setTo(toTime(saved.data.quietTo));
    }
  }, [saved.data]);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    setError(null);
    setDone(false);
    try {
      await contactBookApi.savePreferences({
        byEmail: form.byEmail, byPush: form.byPush, weeklyDigest: form.weeklyDigest,
        quietFrom: quiet ? toMinutes(from) : null, quietTo: quiet ? toMinutes(to) : null, language: currentLanguage(),
      });
      setDone(true);
    } catch (err) {
      setError(err);
    }
  }

  const check = (key: 'byEmail' | 'byPush' | 'weeklyDigest') => (
    <label className="check">
      <input type="checkbox" checked={form?.[key] ?? false} onChange={(e) => form && setForm({ ...form, [key]: e.target.checked })}
             data-testid={`pref-${key}`} />{' '}
      {t(`contactBook.settings.${key}`)}
    </label>
  );

  return (
    <div className="page" data-testid="contact-settings">
      <p><Link to="/contact-book">← {t('contactBook.title')}</Link></p>
      <h1>{t('contactBook.settings.title')}</h1>
      <ErrorMessage error={saved.error} onRetry={() => void saved.reload()} />
      {saved.loading && !saved.data && <Loading />}
      {form && (
        <form className="card contact-form" onSubmit={(e) => void save(e)}>
          {check('byEmail')}
          {check('byPush')}
          {check('weeklyDigest')}
          <label className="check">
            <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} data-testid="pref-quiet" />{' '}
            {t('contactBook.settings.quiet')}
          </label>
          {quiet && (
            <p>
              <label>{t('contactBook.settings.quietFrom')} <input type="time" value={from} onChange={(e) => setFrom(e.target.value)} required /></label>{' '}
              <label>{t('contactBook.settings.quietTo')} <input type="time" value={to} onChange={(e) => setTo(e.target.value)} required /></label>
            </p>
          )}
          <p className="muted">{t('contactBook.settings.quietHelp')}</p>
          {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
          {done && <p role="status">{t('contactBook.settings.saved')}</p>}
          <button type="submit" className="btn btn-primary" data-testid="pref-save">{t('contactBook.settings.save')}</button>
        </form>
      )}
      <ContactPushSettings />
    </div>
  );
}
