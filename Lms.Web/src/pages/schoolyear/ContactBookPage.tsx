import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useMe } from '../../auth/AuthContext';
import { contactBookApi, type ContactHome, type ContactPerson } from '../../api/contactBook';
import { Badge, ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';
import { formatDateTime } from '../../format';
import { AttachmentPicker, useAttachments } from './ContactParts';
import './contactWords';
import './contactbook.css';
import './schoolyear.css';

/**
 * The contact book (sổ liên lạc) on a phone: the person's threads (unread first to the eye), writing to one of their
 * child's teachers or one of their students' parents, the announcements they received or sent, and, for a teacher
 * or a school admin, writing an announcement.
 */
export function ContactBookPage() {
  const { t, i18n } = useTranslation();
  useTitle(t('contactBook.title'));
  const me = useMe();
  const home = useLoad(() => contactBookApi.home(), []);
  const conversations = useLoad(() => contactBookApi.conversations(), []);
  const received = useLoad(() => contactBookApi.received(), []);
  const sent = useLoad(() => contactBookApi.sent(), []);
  const canAnnounce = (home.data?.classes.length ?? 0) + (home.data?.schools.length ?? 0) > 0;

  return (
    <div className="page contact-book" data-testid="contact-book">
      <h1>{t('contactBook.title')}</h1>
      <p><Link to="/contact-book/settings" data-testid="contact-settings-link">{t('contactBook.settings.title')}</Link></p>
      <ErrorMessage error={home.error ?? conversations.error} onRetry={() => { void home.reload(); void conversations.reload(); }} />
      {(home.loading || conversations.loading) && !conversations.data && <Loading />}

      <section aria-labelledby="threads-title">
        <h2 id="threads-title">{t('contactBook.threads')}</h2>
        {conversations.data && conversations.data.length === 0 && <p className="empty">{t('contactBook.noThreads')}</p>}
        <ul className="period-list" data-testid="threads">
          {conversations.data?.map((c) => (
            <li key={c.id} className="card period-card">
              <Link to={`/contact-book/conversations/${c.id}`} data-testid={`thread-${c.studentName}`}>
                <strong>{c.teacherId === me.id ? c.parentName : c.teacherName}</strong>
                {' · '}{t('contactBook.about', { student: c.studentName })}
              </Link>
              <span className="muted">{formatDateTime(c.lastMessageAt, i18n.language)}</span>
              {c.unread > 0 && <Badge tone="absent" testId="unread">{t('contactBook.unread', { count: c.unread })}</Badge>}
            </li>
          ))}
        </ul>
        {home.data && <NewThread home={home.data} />}
      </section>

      <section aria-labelledby="announcements-title">
        <h2 id="announcements-title">{t('contactBook.announcements')}</h2>
        {received.data && received.data.length === 0 && sent.data?.length === 0 && <p className="empty">{t('contactBook.noAnnouncements')}</p>}
        <ul className="period-list" data-testid="announcements">
          {received.data?.map((a) => (
            <li key={a.id} className="card period-card">
              <Link to={`/contact-book/announcements/${a.id}`} data-testid={`announcement-${a.title}`}>
                {a.readAt ? a.title : <strong>{a.title}</strong>}
              </Link>
              <span className="muted">{a.authorName} · {formatDateTime(a.createdAt, i18n.language)}</span>
            </li>
          ))}
          {sent.data?.map((a) => (
            <li key={a.id} className="card period-card">
              <Link to={`/contact-book/announcements/${a.id}`} data-testid={`sent-${a.title}`}>{a.title}</Link>
              <span className="muted">
                {a.className ? t('contactBook.toClass', { name: a.className }) : t('contactBook.toSchool')}
                {' · '}{t('contactBook.readCount', { read: a.readCount, total: a.recipients })}
              </span>
            </li>
          ))}
        </ul>
        {home.data && canAnnounce && <AnnouncementComposer home={home.data} onSent={() => void sent.reload()} />}
      </section>
    </div>
  );
}

/** Starts (or finds) a thread with one of the people the reader may write to, and opens it. */
function NewThread({ home }: { home: ContactHome }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const people: { person: ContactPerson; teacher: boolean }[] = [
    ...home.teachers.map((person) => ({ person, teacher: true })),
    ...home.parents.map((person) => ({ person, teacher: false })),
  ];
  const [chosen, setChosen] = useState('');
  if (people.length === 0) return null;

  async function open(e: FormEvent) {
    e.preventDefault();
    const pick = people[Number(chosen)];
    if (!pick) return;
    setError(null);
    try {
      const { person, teacher } = pick;
      const thread = await contactBookApi.open(person.studentId, teacher ? { teacherId: person.personId } : { parentId: person.personId });
      navigate(`/contact-book/conversations/${thread.id}`);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card contact-form" onSubmit={(e) => void open(e)} data-testid="new-thread">
      <label htmlFor="contact-person">{t('contactBook.writeTo')}</label>
      <select id="contact-person" value={chosen} onChange={(e) => setChosen(e.target.value)} data-testid="contact-person">
        <option value="">{t('contactBook.choosePerson')}</option>
        {people.map(({ person, teacher }, i) => (
          <option key={`${person.personId}-${person.studentId}`} value={i}>
            {teacher
              ? t('contactBook.teacherOf', { name: person.personName, role: person.role === 'homeroom' ? t('contactBook.homeroom') : person.role, student: person.studentName })
              : t('contactBook.parentOf', { name: person.personName, student: person.studentName, className: person.className })}
          </option>
        ))}
      </select>
      {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
      <button type="submit" className="btn btn-primary" disabled={chosen === ''} data-testid="open-thread">{t('contactBook.open')}</button>
    </form>
  );
}

/** A teacher writes to a class they teach; a school admin also to the whole school. */
function AnnouncementComposer({ home, onSent }: { home: ContactHome; onSent: () => void }) {
  const { t } = useTranslation();
  const targets = [
    ...home.classes.map((c) => ({ key: `c-${c.classId}`, institutionId: c.institutionId, classId: c.classId as string | null, label: t('contactBook.toClass', { name: c.className }) })),
    ...home.schools.map((s) => ({ key: `s-${s.institutionId}`, institutionId: s.institutionId, classId: null, label: t('contactBook.toSchoolNamed', { name: s.name }) })),
  ];
  const [target, setTarget] = useState(targets[0]?.key ?? '');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const attachments = useAttachments();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function send(e: FormEvent) {
    e.preventDefault();
    const to = targets.find((x) => x.key === target);
    if (!to) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await contactBookApi.announce(to.institutionId, to.classId, title, body, attachments.ids);
      setTitle('');
      setBody('');
      attachments.clear();
      setDone(true);
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card contact-form" onSubmit={(e) => void send(e)} data-testid="announcement-composer">
      <h3>{t('contactBook.newAnnouncement')}</h3>
      <label htmlFor="announce-to">{t('contactBook.to')}</label>
      <select id="announce-to" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="announce-to">
        {targets.map((x) => <option key={x.key} value={x.key}>{x.label}</option>)}
      </select>
      <label htmlFor="announce-title">{t('contactBook.announcementTitle')}</label>
      <input id="announce-title" value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} data-testid="announce-title" />
      <label htmlFor="announce-body">{t('contactBook.body')}</label>
      <textarea id="announce-body" value={body} rows={4} maxLength={4000} required onChange={(e) => setBody(e.target.value)} data-testid="announce-body" />
      <AttachmentPicker attachments={attachments} />
      {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
      {done && <p role="status" data-testid="announcement-sent">{t('contactBook.announcementSent')}</p>}
      <button type="submit" className="btn btn-primary" disabled={busy || attachments.busy} data-testid="announce-send">{t('contactBook.send')}</button>
    </form>
  );
}
