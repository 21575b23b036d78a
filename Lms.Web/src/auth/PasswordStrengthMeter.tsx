import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import i18n from '../i18n';
import type { Strength } from './passwordStrength';
import './passwordStrength.css';

type StrengthOf = (password: string, userInputs: string[]) => Strength;

const labels = ['veryWeak', 'weak', 'fair', 'strong', 'veryStrong'] as const;

/**
 * A strength meter under a new-password field: a bar, a label and zxcvbn's advice in the reader's
 * language. Only advice; the server's password policy decides. The checker is imported the first
 * time someone types, so pages that never ask for a new password do not download its word lists.
 */
export function PasswordStrengthMeter({ password, userInputs = [], minimumLength }: {
  password: string;
  /** The person's name, e-mail, … : a password made of them is weak. */
  userInputs?: (string | null | undefined)[];
  minimumLength: number;
}) {
  const { t } = useTranslation();
  const [strengthOf, setStrengthOf] = useState<StrengthOf | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!password || strengthOf || failed) return;
    let live = true;
    import('./passwordStrength')
      .then((module) => { if (live) setStrengthOf(() => module.strengthOf); })
      .catch(() => { if (live) setFailed(true); });
    return () => { live = false; };
  }, [password, strengthOf, failed]);

  const inputs = userInputs.flatMap((input) => (input ? input.split(/[\s@._-]+/) : []));
  const key = inputs.join('|');
  const strength = useMemo(
    () => (strengthOf && password ? strengthOf(password, inputs) : null),
    [strengthOf, password, key],
  );

  if (!password || failed) return null;
  if (!strength) return <p className="password-strength muted small" aria-live="polite">{t('passwordStrength.checking')}</p>;
  // Shorter than the server accepts is weak whatever its letters.
  const score = password.length < minimumLength ? Math.min(strength.score, 1) : strength.score;
  const advice = [
    strength.warning ? worded(`passwordStrength.warning.${strength.warning}`) : null,
    ...strength.suggestions.map((s) => worded(`passwordStrength.suggestion.${s}`)),
  ].filter((text): text is string => !!text);

  return (
    <div className="password-strength" data-testid="password-strength" data-score={score} aria-live="polite">
      <div className="password-strength-bar" aria-hidden="true">
        {labels.slice(1).map((_, i) => <span key={i} className={i < score ? `on score-${score}` : ''} />)}
      </div>
      <p className="small">
        <span data-testid="password-strength-label">{t(`passwordStrength.label.${labels[score]}`)}</span>
        {password.length < minimumLength && <> · {t('password.tooShort', { n: minimumLength })}</>}
      </p>
      {advice.length > 0 && (
        <ul className="muted small password-strength-advice">
          {advice.map((text) => <li key={text}>{text}</li>)}
        </ul>
      )}
    </div>
  );
}

/** Our wording of a piece of the library's advice; advice we have no wording for is left out rather than shown in English. */
function worded(key: string): string | null {
  return i18n.exists(key) ? i18n.t(key) : null;
}
