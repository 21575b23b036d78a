// The Vietnamese words of the mark book come with its first use (the grid, the child's marks), not with the signed-in
// shell: every signed-in page downloads that shell, and the quiz attempt's size budget has no room for them.
// i18n/index.ts leaves vi/markbook.json out of the first dictionary; English (i18n/en.ts) holds every file.
import i18n from '../../i18n';
import words from '../../i18n/vi/markbook.json';

i18n.addResourceBundle('vi', 'translation', words, true, false);
