import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
// Each feature keeps its strings in its own file (i18n/vi/<feature>.json, i18n/en/<feature>.json);
// the files of one language are merged into one dictionary. scripts/check-i18n.mjs (run by
// `npm run build`) fails the build when a key is missing in one language.
type Dictionary = Record<string, unknown>;

function merge(files: Record<string, Dictionary>): Dictionary {
  const merged: Dictionary = {};
  for (const [file, dictionary] of Object.entries(files)) {
    for (const [key, value] of Object.entries(dictionary)) {
      if (key in merged) throw new Error(`Translation key "${key}" is defined twice (again in ${file}).`);
      merged[key] = value;
    }
  }
  return merged;
}

const vi = merge(import.meta.glob<Dictionary>('./vi/*.json', { eager: true, import: 'default' }));
const en = merge(import.meta.glob<Dictionary>('./en/*.json', { eager: true, import: 'default' }));

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
