// The Vietnamese words of the contact book's pages, with the pages: the signed-in shell carries only the nav label
// (i18n/vi/contactbook.json), so no other page pays for them. English (i18n/en.ts) holds every file.
import i18n from '../../i18n';
import words from '../../i18n/vi/contactbookpages.json';

i18n.addResourceBundle('vi', 'translation', words, true, false);
