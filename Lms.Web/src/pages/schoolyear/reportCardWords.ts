// The Vietnamese words of report cards come with their pages (the class's cards, the child's list, the public
// verification page), not with the signed-in shell, which every page downloads and whose size budget has no room for
// them. i18n/index.ts leaves vi/reportcard.json out of the first dictionary; English (i18n/en.ts) holds every file.
import i18n from '../../i18n';
import words from '../../i18n/vi/reportcard.json';

i18n.addResourceBundle('vi', 'translation', words, true, false);
