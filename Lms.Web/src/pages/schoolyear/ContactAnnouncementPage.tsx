import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { contactBookApi } from '../../api/contactBook';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatDateTime } from '../../format';
import { AttachmentList } from './ContactParts';
import './contactWords';
import './contactbook.css';

/** An announcement: a parent reads it (which writes their read receipt); its author sees who read it, when, and who not yet. */
export function ContactAnnouncementPage() {
  const { t, i18n } = useTranslation();
  const { announcementId = '' } = useParams();
  const detail = useLoad(() => contactBookApi.announcement(announcementId), [announcementId]);
  const a = detail.data?.announcement;
  useTitle(a?.title ?? t('contactBook.announcements'));
  const readers = detail.data?.readers;

  return (
    <div className="page contact-announcement" data-testid="contact-announcement">
      <p><Link to="/contact-book">← {t('contactBook.title')}</Link></p>
      <ErrorMessage error={detail.error} onRetry={() => void detail.reload()} />
      {detail.loading && !detail.data && <Loading />}
      {a && (
        <article className="card">
          <h1>{a.title}</h1>
          <p className="muted">
            {a.authorName} · {a.className ? t('contactBook.toClass', { name: a.className }) : t('contactBook.toSchool')} · {formatDateTime(a.createdAt, i18n.language)}
          </p>
          <p className="contact-body" data-testid="announcement-body">{a.body}</p>
          <AttachmentList files={detail.data!.attachments} />
        </article>
      )}
      {a && readers && (
        <section aria-labelledby="readers-title">
          <h2 id="readers-title">{t('contactBook.readCount', { read: a.readCount, total: a.recipients })}</h2>
          <ul className="period-list" data-testid="readers">
            {readers.map((r) => (
              <li key={r.parentId} className="card period-card" data-testid={`reader-${r.parentName}`}>
                <span>{r.parentName}</span>
                <span className={r.readAt ? '' : 'muted'}>
                  {r.readAt ? t('contactBook.readAt', { time: formatDateTime(r.readAt, i18n.language) }) : t('contactBook.notRead')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
