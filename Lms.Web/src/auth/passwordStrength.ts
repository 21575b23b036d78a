// Loaded only when someone starts typing a new password (a dynamic import): zxcvbn's word lists
// are large and the sign-in page never needs them.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as common } from '@zxcvbn-ts/language-common';
// Of the English lists, the common words and first names and their word sequences only: the surname and
// Wikipedia lists would double what a phone downloads and say little about Vietnamese passwords.
import englishWords from '@zxcvbn-ts/language-en/dist/commonWords.json.mjs';
import englishFirstNames from '@zxcvbn-ts/language-en/dist/firstnames.json.mjs';
import englishSequences from '@zxcvbn-ts/language-en/dist/wordSequences.json.mjs';
import vietnamese from './vietnameseCommonWords.json';

export interface Strength {
  /** zxcvbn's 0 (guessed at once) to 4 (very unlikely to be guessed). */
  score: 0 | 1 | 2 | 3 | 4;
  /** The library's feedback as its plain keys (no translations given to it): our translation files word them. */
  warning: string | null;
  suggestions: string[];
}

// No translations option: feedback comes back as keys ("topHundred", "anotherWord") that i18next words in vi or en.
const factory = new ZxcvbnFactory({
  graphs: adjacencyGraphs,
  // Common Vietnamese words and passwords (matkhau, anhyeuem, place and family names) beside the library's lists.
  dictionary: {
    ...common, 'commonWords-en': englishWords, 'firstnames-en': englishFirstNames, ...englishSequences, 'common-vi': vietnamese,
  },
  useLevenshteinDistance: true,
});

export function strengthOf(password: string, userInputs: string[]): Strength {
  const result = factory.check(password, userInputs.filter((input) => input.length >= 3));
  return { score: result.score, warning: result.feedback.warning, suggestions: result.feedback.suggestions };
}
