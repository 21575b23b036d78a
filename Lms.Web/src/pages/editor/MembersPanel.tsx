import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ClassInfo, type Course, type CourseMember, type EnrolResult } from '../../api/lms';
import { loginOf, percentOf } from '../../format';
import { Badge, ConfirmButton, ErrorMessage, Field, Loading, Notice, ProgressBar } from '../../components/common';

const pageSize = 100;

/** Teachers and students of a course: enrol by class or by logins, remove, add co-teachers. */
export function MembersPanel({ course }: { course: Course }) {
  const { t } = useTranslation();
  const [members, setMembers] = useState<CourseMember[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [classes, setClasses] = useState<ClassInfo[] | null>(null);
  const [className, setClassName] = useState('');
  const [logins, setLogins] = useState('');
  const [teacherLogin, setTeacherLogin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [errorWhere, setErrorWhere] = useState<'class' | 'logins' | 'teacher' | 'list' | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const canManageTeachers = course.myRole === 'owner' || course.myRole === 'admin';
  const totalItems = course.modules.reduce((sum, m) => sum + m.items.length, 0);

  const load = useCallback(async (skip: number) => {
    setLoading(true);
    setLoadError(null);
    try {
      const page = await api.members(course.id, skip, pageSize);
      setMembers((previous) => (skip === 0 ? page.items : [...previous, ...page.items]));
      setTotal(page.total);
    } catch (e) {
      setLoadError(e);
    } finally {
      setLoading(false);
    }
  }, [course.id]);

  useEffect(() => {
    void load(0);
  }, [load]);

  useEffect(() => {
    api.classes(course.institutionId)
      .then((list) => {
        setClasses(list);
        setClassName((current) => current || list.find((c) => c.students > 0)?.name || '');
      })
      .catch(() => setClasses([]));
  }, [course.institutionId]);

  async function act(where: typeof errorWhere, action: () => Promise<string | null>) {
    setBusy(true);
    setError(null);
    setErrorWhere(null);
    setDone(null);
    try {
      setDone(await action());
      await load(0);
      return true;
    } catch (e) {
      setError(e);
      setErrorWhere(where);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const enrolled = (result: EnrolResult) =>
    t('members.enrolled', { added: result.added, already: result.alreadyEnrolled });

  async function enrolClass(event: FormEvent) {
    event.preventDefault();
    if (!className) return;
    await act('class', async () => enrolled(await api.enrol(course.id, { className })));
  }

  async function enrolLogins(event: FormEvent) {
    event.preventDefault();
    const list = [...new Set(logins.split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean))];
    if (list.length === 0) return;
    if (await act('logins', async () => enrolled(await api.enrol(course.id, { logins: list })))) setLogins('');
  }

  async function addTeacher(event: FormEvent) {
    event.preventDefault();
    const login = teacherLogin.trim();
    if (!login) return;
    if (await act('teacher', async () => {
      await api.addTeacher(course.id, login);
      return t('members.teacherAdded');
    })) setTeacherLogin('');
  }

  // The owner first, then co-teachers (the server orders staff by name).
  const teachers = members.filter((m) => m.role !== 'student')
    .sort((a, b) => Number(b.role === 'owner') - Number(a.role === 'owner'));
  const students = members.filter((m) => m.role === 'student');

  return (
    <div className="members">
      {done && <Notice testId="members-result">{done}</Notice>}
      {errorWhere === 'list' && <ErrorMessage error={error} context="members" />}

      <section className="card" aria-labelledby="enrol-title">
        <h2 id="enrol-title">{t('members.enrolTitle')}</h2>
        {course.status === 'draft' && <p className="hint">{t('members.draftHint')}</p>}
        <form className="form" onSubmit={enrolClass} data-testid="enrol-class-form">
          {errorWhere === 'class' && <ErrorMessage error={error} context="enrol" />}
          {classes === null ? <Loading /> : classes.length === 0 ? (
            <p className="muted">{t('members.noClasses')}</p>
          ) : (
            <div className="row">
              <Field label={t('members.class')}>
                {(props) => (
                  <select {...props} value={className} onChange={(e) => setClassName(e.target.value)}>
                    {classes.map((c) => (
                      <option key={c.id} value={c.name} disabled={c.students === 0}>
                        {t('members.classOption', { name: c.name, count: c.students })}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <button type="submit" className="btn btn-primary" disabled={busy || !className}>
                {t('members.enrolClass')}
              </button>
            </div>
          )}
        </form>
        <form className="form" onSubmit={enrolLogins} data-testid="enrol-logins-form">
          {errorWhere === 'logins' && <ErrorMessage error={error} context="enrol" />}
          <Field label={t('members.logins')} hint={t('members.loginsHint')}>
            {(props) => (
              <textarea {...props} rows={3} autoCapitalize="none" spellCheck={false} value={logins}
                        onChange={(e) => setLogins(e.target.value)} />
            )}
          </Field>
          <button type="submit" className="btn" disabled={busy || !logins.trim()}>{t('members.enrolLogins')}</button>
        </form>
      </section>

      <section className="card" aria-labelledby="teachers-title">
        <h2 id="teachers-title">{t('members.teachers')}</h2>
        <ul className="people-list">
          {teachers.map((m) => (
            <li key={m.id} className="person" data-testid="member-teacher">
              <div className="person-main">
                <strong>{m.displayName}</strong>
                <span className="muted small">{loginOf(m)}</span>
              </div>
              <Badge tone={`role-${m.role}`}>{t(`courseRole.${m.role}`)}</Badge>
              {canManageTeachers && m.role === 'teacher' && (
                <ConfirmButton label={t('members.removeTeacher')} confirmLabel={t('members.confirmRemove')} disabled={busy}
                               onConfirm={() => act('list', async () => {
                                 await api.removeTeacher(course.id, m.id);
                                 return t('members.teacherRemoved', { name: m.displayName });
                               })} />
              )}
            </li>
          ))}
        </ul>
        {canManageTeachers && (
          <form className="form" onSubmit={addTeacher} data-testid="add-teacher-form">
            {errorWhere === 'teacher' && <ErrorMessage error={error} context="teacher" />}
            <div className="row">
              <Field label={t('members.teacherLogin')}>
                {(props) => (
                  <input {...props} autoCapitalize="none" spellCheck={false} value={teacherLogin}
                         onChange={(e) => setTeacherLogin(e.target.value)} />
                )}
              </Field>
              <button type="submit" className="btn" disabled={busy || !teacherLogin.trim()}>{t('members.addTeacher')}</button>
            </div>
          </form>
        )}
      </section>

      <section className="card" aria-labelledby="students-title">
        <h2 id="students-title">{t('members.students', { count: Math.max(students.length, total - teachers.length) })}</h2>
        {loadError ? <ErrorMessage error={loadError} onRetry={() => void load(0)} /> : null}
        {!loading && students.length === 0 && <p className="muted">{t('members.noStudents')}</p>}
        <ul className="people-list">
          {students.map((m) => (
            <li key={m.id} className="person" data-testid="member-student">
              <div className="person-main">
                <strong>{m.displayName}</strong>
                <span className="muted small">{loginOf(m)}</span>
                <ProgressBar small testId="member-progress" percent={percentOf(m.itemsSeen, totalItems)}
                             label={t('members.progressOf', { name: m.displayName })}
                             detail={t('course.progressDetail', { seen: Math.min(m.itemsSeen, totalItems), total: totalItems })} />
              </div>
              <ConfirmButton label={t('members.removeStudent')} confirmLabel={t('members.confirmRemove')} disabled={busy}
                             onConfirm={() => act('list', async () => {
                               await api.unenrol(course.id, m.id);
                               return t('members.studentRemoved', { name: m.displayName });
                             })} />
            </li>
          ))}
        </ul>
        {loading && <Loading />}
        {!loading && members.length < total && (
          <button type="button" className="btn" onClick={() => void load(members.length)}>{t('common.loadMore')}</button>
        )}
      </section>
    </div>
  );
}
