import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { changeLanguage, languages, type Language } from '../i18n';

/** Tiếng Việt / English; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="lang-switch">
      <label htmlFor={id} className="visually-hidden">{t('shell.language')}</label>
      <svg className="lang-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="1.8" />
        <path d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z"
              fill="none" stroke="currentColor" strokeWidth="1.8" />
      </svg>
      <select
        id={id}
        data-testid="lang-switch"
        value={i18n.language === 'en' ? 'en' : 'vi'}
        onChange={(event) => void changeLanguage(event.target.value as Language)}
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
