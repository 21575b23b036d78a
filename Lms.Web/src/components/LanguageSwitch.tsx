import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { languages } from '../i18n';

/** Tiếng Việt / English; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="lang-switch">
      <label htmlFor={id} className="visually-hidden">{t('shell.language')}</label>
      <span className="lang-icon" aria-hidden="true">🌐</span>
      <select
        id={id}
        data-testid="lang-switch"
        value={i18n.language === 'en' ? 'en' : 'vi'}
        onChange={(event) => void i18n.changeLanguage(event.target.value)}
      >
        {languages.map((language) => (
          <option key={language} value={language} lang={language}>
            {t(`shell.languages.${language}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
