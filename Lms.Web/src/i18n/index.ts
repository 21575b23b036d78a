import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
// Each feature keeps its strings in its own file (i18n/vi/<feature>.json, i18n/en/<feature>.json);
// the files of one language are merged into one dictionary. scripts/check-i18n.mjs (run by
// `npm run build`) fails the build when a key is missing in one language.
type Dictionary = Record<string, unknown>;

/**
 * Merges every file of a language. Objects merge key by key, so a feature may add its own entry to a
 * shared group (e.g. "itemKind.quiz" from assessment.json); the same leaf defined twice is an error.
 */
function merge(files: Record<string, Dictionary>): Dictionary {
  const merged: Dictionary = {};
  const into = (target: Dictionary, source: Dictionary, path: string, file: string) => {
    for (const [key, value] of Object.entries(source)) {
      const at = path ? `${path}.${key}` : key;
      const existing = target[key];
      if (isDictionary(existing) && isDictionary(value)) into(existing, value, at, file);
      else if (key in target) throw new Error(`Translation key "${at}" is defined twice (again in ${file}).`);
      else target[key] = isDictionary(value) ? into({}, value, at, file) : value;
    }
    return target;
  };
  for (const [file, dictionary] of Object.entries(files)) into(merged, dictionary, '', file);
  return merged;
}

function isDictionary(value: unknown): value is Dictionary {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const vi = merge(import.meta.glob<Dictionary>('./vi/*.json', { eager: true, import: 'default' }));
const en = merge(import.meta.glob<Dictionary>('./en/*.json', { eager: true, import: 'default' }));

export const languages = ['vi', 'en'] as const;
export type Language = (typeof languages)[number];

export const languageStorageKey = 'lms.lang';
const storageKey = languageStorageKey;

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
