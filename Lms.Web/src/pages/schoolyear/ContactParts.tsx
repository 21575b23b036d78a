import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contactBookApi, type Attachment } from '../../api/contactBook';
import { errorText } from '../../errors';

/** Files uploaded for the message or announcement being written (uploaded at once, sent with it). */
export function useAttachments() {
  const [files, setFiles] = useState<Attachment[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function add(file: File) {
    setBusy(true);
    setError(null);
    try {
      const uploaded = await contactBookApi.upload(file);
      setFiles((list) => [...list, uploaded]);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return {
    files, busy, error, add, ids: files.map((f) => f.id),
    remove: (id: string) => setFiles((list) => list.filter((f) => f.id !== id)),
    clear: () => setFiles([]),
  };
}

export type Attachments = ReturnType<typeof useAttachments>;

/** Choose a file to send: PDF, a picture, a Word or Excel file, or text, up to 10 MB. */
export function AttachmentPicker({ attachments }: { attachments: Attachments }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="contact-attach">
      <label htmlFor={id}>{t('contactBook.attach')}</label>
      <input id={id} type="file" accept=".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.txt" data-testid="attach-file"
             onChange={(e) => { const file = e.target.files?.[0]; e.target.value = ''; if (file) void attachments.add(file); }} />
      {attachments.error != null && <p className="field-error" role="alert">{errorText(t, attachments.error)}</p>}
      {attachments.files.length > 0 && (
        <ul className="contact-files">
          {attachments.files.map((f) => (
            <li key={f.id}>
              {f.name}{' '}
              <button type="button" className="btn btn-small" onClick={() => attachments.remove(f.id)}>{t('contactBook.removeFile', { name: f.name })}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The files of a message or an announcement, each a download. */
export function AttachmentList({ files }: { files: Attachment[] }) {
  const { t } = useTranslation();
  if (files.length === 0) return null;
  return (
    <ul className="contact-files" aria-label={t('contactBook.files')}>
      {files.map((f) => (
        <li key={f.id}><a href={contactBookApi.attachmentUrl(f.id)} download={f.name}>{f.name}</a> <span className="muted">({Math.max(1, Math.round(f.sizeBytes / 1024))} KB)</span></li>
      ))}
    </ul>
  );
}
