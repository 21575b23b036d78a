import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import vi from './vi.json';
import en from './en.json';

export const languages = ['vi', 'en'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'lms.lang';

function storedLanguage(): Language {
  try {
    const value = localStorage.getItem(storageKey);
    if (value === 'vi' || value === 'en') return value;
  } catch {
    // Storage may be off (private mode); Vietnamese is the default.
  }
  return 'vi';
}

const initial = storedLanguage();

void i18n.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'vi',
  supportedLngs: [...languages],
  interpolation: { escapeValue: false }, // React escapes.
  initAsync: false,
  returnNull: false,
});

function apply(language: string) {
  document.documentElement.lang = language;
  document.title = i18n.t('app.name');
}

apply(initial);
i18n.on('languageChanged', (language) => {
  try {
    localStorage.setItem(storageKey, language);
  } catch {
    // Not remembered; still switched.
  }
  apply(language);
});

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'vi';
}

export default i18n;
