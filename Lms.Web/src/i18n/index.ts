import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
// Each feature keeps its strings in its own file (i18n/vi/<feature>.json, i18n/en/<feature>.json);
// the files of one language are merged into one dictionary. scripts/check-i18n.mjs (run by
// `npm run build`) fails the build when a key is missing in one language.
import { merge, type Dictionary } from './merge';

// The words of pages only a signed-in person reaches (signedInOnly) come with the signed-in shell (signedIn.ts), so the
// sign-in page's first script does not carry them; an admin's sign-in providers come with their own section
// (pages/identity/SignInProviders.tsx), the identity provider's with its pages (pages/identity/Provider*.tsx), the mark
// book's, the report cards' and the contact book's pages, the admin's timetable grid and the SCORM player, with those pages.
const vi = merge(import.meta.glob<Dictionary>(['./vi/*.json', '!./vi/schoolyear.json', '!./vi/markbook.json', '!./vi/reportcard.json', '!./vi/broadcast.json',
  '!./vi/cameras.json', '!./vi/contactbook.json', '!./vi/contactbookpages.json', '!./vi/signinproviders.json', '!./vi/idp.json',
  '!./vi/timetablegrid.json', '!./vi/oneroster.json', '!./vi/scormplayer.json'],
  { eager: true, import: 'default' }));

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

// Vietnamese, the default, is in the first script; English is a chunk of its own (en.ts), loaded before the first
// render for a reader who chose it and on switching: the sign-in page downloads one dictionary, not two.
void i18n.use(initReactI18next).init({
  resources: { vi: { translation: vi } },
  partialBundledLanguages: true,
  lng: 'vi', // until languageReady: the reader's language once its dictionary is here
  fallbackLng: 'vi',
  supportedLngs: [...languages],
  interpolation: { escapeValue: false }, // React escapes.
  initAsync: false,
  returnNull: false,
});

let english: Promise<void> | undefined;
function loadLanguage(language: Language): Promise<void> {
  if (language === 'vi') return Promise.resolve();
  english ??= import('./en').then(({ en }) => { i18n.addResourceBundle('en', 'translation', en); });
  return english;
}

/** Resolves once the reader's language can be shown (main.tsx renders after it). */
export const languageReady: Promise<void> = initial === 'vi'
  ? Promise.resolve()
  : loadLanguage(initial).then(() => i18n.changeLanguage(initial)).then(() => undefined, () => undefined);

/** Switches the language, downloading its dictionary first. */
export async function changeLanguage(language: Language): Promise<void> {
  await loadLanguage(language);
  await i18n.changeLanguage(language);
}

function apply(language: string) {
  document.documentElement.lang = language;
  document.title = i18n.t('app.name');
}

apply(i18n.language);
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
