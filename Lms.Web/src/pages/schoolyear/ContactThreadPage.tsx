import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useMe } from '../../auth/AuthContext';
import { contactBookApi } from '../../api/contactBook';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';
import { formatDateTime } from '../../format';
import { AttachmentList, AttachmentPicker, useAttachments } from './ContactParts';
import './contactWords';
import './contactbook.css';

/** One thread between a teacher and a parent about a child: its messages with read receipts, and a reply box. */
export function ContactThreadPage() {
  const { t, i18n } = useTranslation();
  const { conversationId = '' } = useParams();
  const me = useMe();
  const thread = useLoad(() => contactBookApi.thread(conversationId), [conversationId]);
  const conversation = thread.data?.conversation;
  const other = conversation ? (conversation.teacherId === me.id ? conversation.parentName : conversation.teacherName) : '';
  useTitle(other || t('contactBook.title'));
  const [body, setBody] = useState('');
  const attachments = useAttachments();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function send(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await contactBookApi.send(conversationId, body, attachments.ids);
      setBody('');
      attachments.clear();
      await thread.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page contact-thread" data-testid="contact-thread">
      <p><Link to="/contact-book">← {t('contactBook.title')}</Link></p>
      {conversation && <h1>{other} <span className="muted">· {t('contactBook.about', { student: conversation.studentName })}</span></h1>}
      <ErrorMessage error={thread.error} onRetry={() => void thread.reload()} />
      {thread.loading && !thread.data && <Loading />}
      {thread.data && thread.data.messages.length === 0 && <p className="empty">{t('contactBook.noMessages')}</p>}
      <ol className="contact-messages" data-testid="messages">
        {thread.data?.messages.map((m) => {
          const mine = m.senderId === me.id;
          return (
            <li key={m.id} className={mine ? 'contact-message mine' : 'contact-message'} data-testid="message">
              <p className="muted">{m.senderName} · {formatDateTime(m.createdAt, i18n.language)}</p>
              <p className="contact-body">{m.body}</p>
              <AttachmentList files={m.attachments} />
              {mine && (
                <p className="muted" data-testid="read-receipt">
                  {m.readAt ? t('contactBook.readAt', { time: formatDateTime(m.readAt, i18n.language) }) : t('contactBook.notRead')}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <form className="card contact-form" onSubmit={(e) => void send(e)} data-testid="reply">
        <label htmlFor="reply-body">{t('contactBook.message')}</label>
        <textarea id="reply-body" value={body} rows={3} maxLength={4000} required onChange={(e) => setBody(e.target.value)} data-testid="reply-body" />
        <AttachmentPicker attachments={attachments} />
        {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
        <button type="submit" className="btn btn-primary" disabled={busy || attachments.busy || body.trim() === ''} data-testid="reply-send">
          {t('contactBook.send')}
        </button>
      </form>
    </div>
  );
}
