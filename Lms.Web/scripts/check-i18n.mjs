// Every string a person reads is translated: both languages must have the same keys, feature by feature.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../src/i18n/', import.meta.url).pathname;
const languages = ['vi', 'en'];

// Plural forms differ by language (English: _one/_other; Vietnamese: none), so compare the base key.
const plural = /_(zero|one|two|few|many|other)$/;

function keys(value, prefix = '') {
  if (value === null || typeof value !== 'object') return [prefix.replace(plural, '')];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

const files = new Set(languages.flatMap((language) => readdirSync(join(root, language))));
let problems = 0;
for (const file of [...files].sort()) {
  const byLanguage = Object.fromEntries(languages.map((language) => {
    try {
      return [language, new Set(keys(JSON.parse(readFileSync(join(root, language, file), 'utf8'))))];
    } catch (error) {
      console.error(`i18n: ${language}/${file}: ${error.code === 'ENOENT' ? 'missing' : error.message}`);
      problems++;
      return [language, new Set()];
    }
  }));
  for (const language of languages)
    for (const other of languages)
      for (const key of byLanguage[language])
        if (!byLanguage[other].has(key)) {
          console.error(`i18n: "${key}" is in ${language}/${file} but not in ${other}/${file}`);
          problems++;
        }
}
// The English dictionary merges every file, and a feature's words are merged into the shared ones at run time: the
// same key in two files of one language throws in the reader's browser (i18n/merge.ts), so it fails here first.
for (const language of languages) {
  const owner = new Map();
  for (const file of readdirSync(join(root, language)).sort()) {
    let dictionary;
    try { dictionary = JSON.parse(readFileSync(join(root, language, file), 'utf8')); } catch { continue; }
    for (const key of new Set(keys(dictionary))) {
      if (owner.has(key)) {
        console.error(`i18n: "${key}" is in both ${language}/${owner.get(key)} and ${language}/${file}`);
        problems++;
      } else owner.set(key, file);
    }
  }
}
if (problems > 0) {
  console.error(`i18n: ${problems} problem(s)`);
  process.exit(1);
}
