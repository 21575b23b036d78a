// Quiz results feeding a regular column of the mark book (Lms.Server/SchoolYear/MarkBookFeedEndpoints.cs), and the
// sheet's Excel export (MarkBookExportEndpoints.cs).
import { api, call, type Schemas } from './typed';

export type MarkFeeds = Schemas['MarkFeedsView'];
export type MarkFeedOutcome = Schemas['MarkFeedOutcome'];

const path = (yearId: string, classId: string, subjectId: string, termId: string) => ({ yearId, classId, subjectId, termId });

export const markBookFeedApi = {
  feeds: (yearId: string, classId: string, subjectId: string, termId: string) =>
    call(api.GET('/api/school-years/{yearId}/classes/{classId}/mark-book/{subjectId}/terms/{termId}/feeds', { params: { path: path(yearId, classId, subjectId, termId) } })),
  link: (yearId: string, classId: string, subjectId: string, termId: string, column: string, quizId: string) =>
    call(api.PUT('/api/school-years/{yearId}/classes/{classId}/mark-book/{subjectId}/terms/{termId}/feeds/{column}', { params: { path: { ...path(yearId, classId, subjectId, termId), column } }, body: { quizId } })),
  refresh: (yearId: string, classId: string, subjectId: string, termId: string, column: string) =>
    call(api.POST('/api/school-years/{yearId}/classes/{classId}/mark-book/{subjectId}/terms/{termId}/feeds/{column}/refresh', { params: { path: { ...path(yearId, classId, subjectId, termId), column } } })),
  unlink: (yearId: string, classId: string, subjectId: string, termId: string, column: string) =>
    call(api.DELETE('/api/school-years/{yearId}/classes/{classId}/mark-book/{subjectId}/terms/{termId}/feeds/{column}', { params: { path: { ...path(yearId, classId, subjectId, termId), column } } })),
};

/** The sheet as an Excel file in the reader's language (a plain link: the browser downloads it with the session cookie). */
export const markSheetXlsx = (yearId: string, classId: string, subjectId: string, termId: string, language: string) =>
  `/api/school-years/${yearId}/classes/${classId}/mark-book/${subjectId}/terms/${termId}/sheet.xlsx?language=${language === 'en' ? 'en' : 'vi'}`;
