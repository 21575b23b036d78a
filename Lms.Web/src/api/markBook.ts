// The mark book (Lms.Server/SchoolYear/MarkBookEndpoints.cs): a subject's sheet per class and term, saved one cell at a
// time; a student's marks for the family; the principal's term lock and the log of changes after it.
import { api, call, type Schemas } from './typed';

export type MarkSheet = Schemas['MarkSheetView'];
export type MarkRow = Schemas['MarkRowView'];
export type StudentMarks = Schemas['StudentMarksView'];
export type MarkBooks = Schemas['MarkBooksView'];
export type MarkChange = Schemas['MarkChangeView'];
export type ClassConduct = Schemas['ClassConductView'];

export interface MarkCellValue { score: number | null; rating: string | null; reason: string | null }

const sheet = (yearId: string, classId: string, subjectId: string, termId: string) =>
  ({ yearId, classId, subjectId, termId });

export const markBookApi = {
  books: () => call(api.GET('/api/school-year/mark-books')),
  sheet: (yearId: string, classId: string, subjectId: string, termId: string) =>
    call(api.GET('/api/school-years/{yearId}/classes/{classId}/mark-book/{subjectId}/terms/{termId}',
      { params: { path: sheet(yearId, classId, subjectId, termId) } })),
  saveCell: (yearId: string, classId: string, subjectId: string, termId: string, studentId: string, column: string, value: MarkCellValue) =>
    call(api.PUT('/api/school-years/{yearId}/classes/{classId}/mark-book/{subjectId}/terms/{termId}/students/{studentId}/{column}',
      { params: { path: { ...sheet(yearId, classId, subjectId, termId), studentId, column } }, body: value })),
  changes: (yearId: string, classId: string) =>
    call(api.GET('/api/school-years/{yearId}/classes/{classId}/mark-book/changes', { params: { path: { yearId, classId } } })),
  lock: (yearId: string, termId: string, classId: string | null) =>
    call(api.POST('/api/school-years/{yearId}/terms/{termId}/lock', { params: { path: { yearId, termId } }, body: { classId } })),
  conduct: (yearId: string, classId: string) =>
    call(api.GET('/api/school-years/{yearId}/classes/{classId}/conduct', { params: { path: { yearId, classId } } })),
  setConduct: (yearId: string, classId: string, termId: string, studentId: string, rating: string | null) =>
    call(api.PUT('/api/school-years/{yearId}/classes/{classId}/conduct/{termId}/students/{studentId}',
      { params: { path: { yearId, classId, termId, studentId } }, body: { rating } })),
  studentMarks: (studentId: string) => call(api.GET('/api/school-year/students/{studentId}/marks', { params: { path: { studentId } } })),
};
