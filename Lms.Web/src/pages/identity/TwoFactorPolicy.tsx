import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { twoFactorApi } from '../../api/twoFactor';
import { useAuth } from '../../auth/AuthContext';
import { ErrorMessage } from '../../components/common';
import { useLoad } from '../../components/useLoad';

/** The institution's security setting on its admin page: whether its admins must use two-step sign-in. */
export function TwoFactorPolicy({ institutionId }: { institutionId: string }) {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  const { data, setData, error, reload } = useLoad(() => twoFactorApi.policy(institutionId), [institutionId]);
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  async function change(required: boolean) {
    setBusy(true);
    setSaveError(null);
    setSaved(false);
    try {
      setData(await twoFactorApi.setPolicy(institutionId, required));
      setSaved(true);
      // The admin who switched it on may now be the one who has to enrol.
      await refresh();
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  }

  if (error) return <ErrorMessage error={error} onRetry={() => void reload()} />;
  if (!data) return null;
  return (
    <section className="card" aria-labelledby="two-factor-policy-title" data-testid="two-factor-policy">
      <h2 id="two-factor-policy-title">{t('twoFactor.policy.title')}</h2>
      <div className="field-check">
        <input id="admins-require-two-factor" type="checkbox" checked={data.adminsRequireTwoFactor} disabled={busy}
               onChange={(e) => void change(e.target.checked)} />
        <label htmlFor="admins-require-two-factor">{t('twoFactor.policy.label')}</label>
      </div>
      <p className="muted small">{t('twoFactor.policy.explain')}</p>
      <ErrorMessage error={saveError} />
      {saved && <p className="small" role="status">{t('twoFactor.policy.saved')}</p>}
    </section>
  );
}
