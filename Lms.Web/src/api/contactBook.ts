// The contact book (Lms.Server/SchoolYear/Contact*): threads between a teacher and a parent about a child,
// announcements with read receipts, attachments, and how each person is told. Shapes and paths come from the
// server's OpenAPI document.
import { request } from './client';
import { api, call, type Schemas } from './typed';

export type ContactHome = Schemas['ContactBookHome'];
export type ContactPerson = Schemas['ContactPerson'];
export type Conversation = Schemas['ConversationView'];
export type ContactMessage = Schemas['ContactMessageView'];
export type Attachment = Schemas['AttachmentView'];
export type Announcement = Schemas['AnnouncementView'];
export type AnnouncementDetail = Schemas['AnnouncementDetail'];
export type ContactPreferences = Schemas['ContactPreferences'];

const thread = (conversationId: string) => ({ params: { path: { conversationId } } });

export const contactBookApi = {
  home: () => call(api.GET('/api/contact-book/home')),
  conversations: () => call(api.GET('/api/contact-book/conversations')),
  open: (studentId: string, other: { teacherId?: string; parentId?: string }) =>
    call(api.POST('/api/contact-book/conversations', { body: { studentId, teacherId: other.teacherId ?? null, parentId: other.parentId ?? null } })),
  thread: (conversationId: string) => call(api.GET('/api/contact-book/conversations/{conversationId}', thread(conversationId))),
  send: (conversationId: string, body: string, attachmentIds: string[]) =>
    call(api.POST('/api/contact-book/conversations/{conversationId}/messages', { ...thread(conversationId), body: { body, attachmentIds } })),
  /** Uploads a file to send with the next message or announcement. */
  upload: (file: File) => {
    const form = new FormData();
    form.append('file', file);
    return request<Attachment>('/api/contact-book/attachments', { method: 'POST', body: form });
  },
  attachmentUrl: (attachmentId: string) => `/api/contact-book/attachments/${encodeURIComponent(attachmentId)}`,
  announce: (institutionId: string, classId: string | null, title: string, body: string, attachmentIds: string[]) =>
    call(api.POST('/api/contact-book/announcements', { body: { institutionId, classId, title, body, attachmentIds } })),
  received: () => call(api.GET('/api/contact-book/announcements')),
  sent: () => call(api.GET('/api/contact-book/announcements/sent')),
  announcement: (announcementId: string) =>
    call(api.GET('/api/contact-book/announcements/{announcementId}', { params: { path: { announcementId } } })),
  preferences: () => call(api.GET('/api/contact-book/preferences')),
  pushKey: () => call(api.GET('/api/contact-book/push/key')),
  subscribePush: (subscription: { endpoint: string; p256dh: string; auth: string }) =>
    call(api.PUT('/api/contact-book/push/subscription', { body: subscription })),
  unsubscribePush: (endpoint: string) => call(api.POST('/api/contact-book/push/unsubscribe', { body: { endpoint } })),
  savePreferences: (preferences: Schemas['PreferencesRequest']) => call(api.PUT('/api/contact-book/preferences', { body: preferences })),
};
