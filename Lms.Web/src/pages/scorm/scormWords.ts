// The Vietnamese words of the SCORM player and its upload form come with the SCORM item's module, not with the
// signed-in shell (whose size budget has no room for them). i18n/index.ts leaves vi/scormplayer.json out of the
// first dictionary; English (i18n/en.ts) holds every file.
import i18n from '../../i18n';
import words from '../../i18n/vi/scormplayer.json';

i18n.addResourceBundle('vi', 'translation', words, true, false);
