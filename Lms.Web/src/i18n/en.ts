// The English dictionary, a chunk of its own: i18n/index.ts loads it when a reader chooses English.
import { merge, type Dictionary } from './merge';

export const en = merge(import.meta.glob<Dictionary>('./en/*.json', { eager: true, import: 'default' }));
