// The Vietnamese words of the admin's timetable grid come with the grid, not with the signed-in shell that every
// signed-in page downloads (the student home's size budget has no room for an admin's words).
// i18n/index.ts leaves vi/timetablegrid.json out of the first dictionary; English (i18n/en.ts) holds every file.
import i18n from '../../i18n';
import words from '../../i18n/vi/timetablegrid.json';

i18n.addResourceBundle('vi', 'translation', words, true, false);
