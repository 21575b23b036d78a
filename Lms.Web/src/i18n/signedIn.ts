// The Vietnamese words of pages only a signed-in person reaches (the school year, the broadcast and camera parts of
// the live room), in the signed-in shell's chunk: components/Shell.tsx imports this before any of those pages shows.
// Keep the list in step with the exclusions in i18n/index.ts; English (en.ts) holds every file.
import i18n from './index';
import { merge, type Dictionary } from './merge';

const words = merge(import.meta.glob<Dictionary>(['./vi/schoolyear.json', './vi/broadcast.json', './vi/cameras.json', './vi/contactbook.json'],
  { eager: true, import: 'default' }));
i18n.addResourceBundle('vi', 'translation', words, true, false);
