// Report cards (Lms.Server/SchoolYear/ReportCardEndpoints.cs): a class's cards per period with the homeroom teacher's
// comments and the two sign-offs, the principal's list of classes, a student's issued cards, and the public check.
import { api, call, type Schemas } from './typed';

export type ClassReportCards = Schemas['ClassReportCardsView'];
export type ReportCardStudent = Schemas['ReportCardStudentView'];
export type YearReportCards = Schemas['YearReportCardsView'];
export type StudentReportCard = Schemas['StudentReportCardView'];
export type ReportCardVerify = Schemas['ReportCardVerifyView'];

export const reportCardPeriods = ['hk1', 'hk2', 'cn'] as const;
export type ReportCardPeriod = (typeof reportCardPeriods)[number];

const path = (yearId: string, classId: string, period: string) => ({ params: { path: { yearId, classId, period } } });

export const reportCardApi = {
  classCards: (yearId: string, classId: string, period: string) =>
    call(api.GET('/api/school-years/{yearId}/classes/{classId}/report-cards/{period}', path(yearId, classId, period))),
  comment: (yearId: string, classId: string, period: string, studentId: string, comment: string | null) =>
    call(api.PUT('/api/school-years/{yearId}/classes/{classId}/report-cards/{period}/students/{studentId}/comment',
      { params: { path: { yearId, classId, period, studentId } }, body: { comment } })),
  signByHomeroom: (yearId: string, classId: string, period: string) =>
    call(api.POST('/api/school-years/{yearId}/classes/{classId}/report-cards/{period}/homeroom-sign-off', path(yearId, classId, period))),
  retract: (yearId: string, classId: string, period: string) =>
    call(api.DELETE('/api/school-years/{yearId}/classes/{classId}/report-cards/{period}/homeroom-sign-off', path(yearId, classId, period))),
  signByPrincipal: (yearId: string, classId: string, period: string) =>
    call(api.POST('/api/school-years/{yearId}/classes/{classId}/report-cards/{period}/principal-sign-off', path(yearId, classId, period))),
  year: (yearId: string, period: string) =>
    call(api.GET('/api/school-years/{yearId}/report-cards/{period}', { params: { path: { yearId, period } } })),
  student: (studentId: string) => call(api.GET('/api/school-year/students/{studentId}/report-cards', { params: { path: { studentId } } })),
  verify: (token: string) => call(api.GET('/api/report-cards/verify/{token}', { params: { path: { token } } }), { allowUnauthenticated: true }),
  pdfUrl: (cardId: string) => `/api/report-cards/${cardId}/pdf`,
};
