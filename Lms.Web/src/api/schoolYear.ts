// The school year (Lms.Server/SchoolYear): years and terms, subjects, class teachers, the weekly timetable, the roll of
// every period, leave requests and what parents are told. Shapes and paths come from the server's OpenAPI document.
import { request } from './client';
import { api, call, type Schemas } from './typed';

export type SchoolYear = Schemas['SchoolYearView'];
export type Subject = Schemas['SubjectView'];
export type ClassTeachers = Schemas['ClassTeachersView'];
export type TimetableSlot = Schemas['TimetableSlot'];
export type Today = Schemas['TodayView'];
export type Roll = Schemas['RollView'];
export type RollEntry = Schemas['RollEntry'];
export type StudentYear = Schemas['StudentYearView'];
export type Child = Schemas['StudentInClass'];
export type FamilyNotice = Schemas['FamilyNotice'];
export type LeaveRequest = Schemas['LeaveRequestView'];
export type AttendanceStatus = 'present' | 'absent' | 'late';
export interface RollMark { studentId: string; status: AttendanceStatus; excused: boolean }
export interface TimetableImported { classes: number; periods: number }

const inSchool = (institutionId: string) => ({ params: { path: { institutionId } } });
const inClass = (yearId: string, classId: string) => ({ params: { path: { yearId, classId } } });
const roll = (slotId: string, day: string) => ({ params: { path: { slotId, day } } });

export const schoolYearApi = {
  years: (institutionId: string) => call(api.GET('/api/institutions/{institutionId}/school-years', inSchool(institutionId))),
  createYear: (institutionId: string, name: string, terms: { startsOn: string; endsOn: string }[]) =>
    call(api.POST('/api/institutions/{institutionId}/school-years', { ...inSchool(institutionId), body: { name, terms } })),
  subjects: (institutionId: string) => call(api.GET('/api/institutions/{institutionId}/subjects', inSchool(institutionId))),
  addCurriculum: (institutionId: string, level: 'thcs' | 'thpt') =>
    call(api.POST('/api/institutions/{institutionId}/subjects/curriculum', { ...inSchool(institutionId), body: { level } })),
  teachers: (yearId: string, classId: string) => call(api.GET('/api/school-years/{yearId}/classes/{classId}/teachers', inClass(yearId, classId))),
  setHomeroom: (yearId: string, classId: string, teacherId: string) =>
    call(api.PUT('/api/school-years/{yearId}/classes/{classId}/homeroom', { ...inClass(yearId, classId), body: { teacherId } })),
  setSubjectTeacher: (yearId: string, classId: string, subjectId: string, teacherId: string | null) =>
    call(api.PUT('/api/school-years/{yearId}/classes/{classId}/subjects/{subjectId}/teacher',
      { params: { path: { yearId, classId, subjectId } }, body: { teacherId } })),
  timetable: (yearId: string, classId: string) =>
    call(api.GET('/api/school-years/{yearId}/classes/{classId}/timetable', inClass(yearId, classId))),
  setPeriod: (yearId: string, classId: string, weekday: number, period: number,
    cell: { subjectId: string; teacherId: string | null; room: string | null; online: boolean }) =>
    call(api.PUT('/api/school-years/{yearId}/classes/{classId}/timetable/{weekday}/{period}',
      { params: { path: { yearId, classId, weekday, period } }, body: cell })),
  clearPeriod: (yearId: string, classId: string, weekday: number, period: number) =>
    call(api.DELETE('/api/school-years/{yearId}/classes/{classId}/timetable/{weekday}/{period}',
      { params: { path: { yearId, classId, weekday, period } } })),
  /** Uploads a timetable file; a 422 carries every broken line (problem.problems). */
  importTimetable: (yearId: string, file: File) => {
    const form = new FormData();
    form.append('file', file);
    return request<TimetableImported>(`/api/school-years/${encodeURIComponent(yearId)}/timetable`, { method: 'POST', body: form });
  },

  today: (day?: string) => call(api.GET('/api/school-year/today', { params: { query: { day } } })),
  children: () => call(api.GET('/api/school-year/children')),
  notices: () => call(api.GET('/api/school-year/notices')),
  student: (studentId: string, day?: string) =>
    call(api.GET('/api/school-year/students/{studentId}', { params: { path: { studentId }, query: { day } } })),
  roll: (slotId: string, day: string) => call(api.GET('/api/school-year/slots/{slotId}/roll/{day}', roll(slotId, day))),
  saveRoll: (slotId: string, day: string, marks: RollMark[]) =>
    call(api.PUT('/api/school-year/slots/{slotId}/roll/{day}', { ...roll(slotId, day), body: { marks } })),
  requestLeave: (studentId: string, leave: { fromDate: string; toDate: string; fromPeriod: number | null; toPeriod: number | null; reason: string }) =>
    call(api.POST('/api/school-year/students/{studentId}/leave-requests', { params: { path: { studentId } }, body: leave })),
  classLeaves: (yearId: string, classId: string) =>
    call(api.GET('/api/school-years/{yearId}/classes/{classId}/leave-requests', inClass(yearId, classId))),
  decideLeave: (requestId: string, approve: boolean) =>
    call(api.PUT('/api/school-year/leave-requests/{requestId}/decision', { params: { path: { requestId } }, body: { approve } })),
};

/** Mon … Sun as the timetable counts them (1 … 7). */
export const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;
