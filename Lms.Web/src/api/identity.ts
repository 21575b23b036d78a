// Accounts: sign-up confirmation, invitations and password reset (one-time codes), and the mail outbox.
import { request } from './client';
import type { Me } from './lms';
import type { SecondStep } from './twoFactor';

export interface CodeHolder {
  displayName: string;
  login: string | null;
  purpose: 'invitation' | 'password-reset';
}

export interface Confirmed {
  me: Me;
  returnTo: string | null;
}

export interface OutboxMessage {
  id: string;
  status: 'pending' | 'sending' | 'sent';
  date: string;
  to: string;
  subject: string;
  text: string;
  kind: string | null;
}

export interface Session {
  id: string;
  kind: 'cookie' | 'token';
  device: string | null;
  address: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

const id = '/api/identity';

export const identityApi = {
  confirmEmail: (code: string) => request<Confirmed>(`${id}/confirm-email`, { body: { code }, allowUnauthenticated: true }),
  requestReset: (email: string, language: string) =>
    request<void>(`${id}/password-reset`, { body: { email, language }, allowUnauthenticated: true }),
  checkCode: (code: string) => request<CodeHolder>(`${id}/codes/check`, { body: { code }, allowUnauthenticated: true }),
  redeem: (code: string, newPassword: string) =>
    request<Me | SecondStep>(`${id}/codes/redeem`, { body: { code, newPassword }, allowUnauthenticated: true }),
  sessions: () => request<Session[]>(`${id}/sessions`),
  endSession: (sessionId: string) => request<void>(`${id}/sessions/${encodeURIComponent(sessionId)}`, { method: 'DELETE' }),
  signOutEverywhere: () => request<void>(`${id}/sign-out-everywhere`, { method: 'POST' }),
  outbox: (take = 50) => request<OutboxMessage[]>(`/api/mail/outbox?take=${take}`),
};

/** The shortest password the server accepts (it also refuses common and guessable ones). */
export const minimumPasswordLength = 10;
