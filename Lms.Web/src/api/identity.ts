// Accounts: sign-up confirmation, invitations and password reset (one-time codes), and the mail outbox.
// Shapes and paths come from the server's OpenAPI document (typed.ts); only the closed sets of values are narrowed here.
import type { Me } from './lms';
import type { SecondStep } from './twoFactor';
import { api, call, type Schemas } from './typed';

export type CodeHolder = Omit<Schemas['CodeHolderView'], 'purpose'> & { purpose: 'invitation' | 'password-reset' };
export type Confirmed = Omit<Schemas['ConfirmedView'], 'me'> & { me: Me };
export type OutboxMessage = Omit<Schemas['OutboxMessage'], 'status'> & { status: 'pending' | 'sending' | 'sent' };
export type Session = Omit<Schemas['IdentitySessionView'], 'kind'> & { kind: 'cookie' | 'token' };

const open = { allowUnauthenticated: true };

export const identityApi = {
  confirmEmail: (code: string) => call(api.POST('/api/identity/confirm-email', { body: { code } }), open) as Promise<Confirmed>,
  requestReset: (email: string, language: string) => call(api.POST('/api/identity/password-reset', { body: { email, language } }), open),
  checkCode: (code: string) => call(api.POST('/api/identity/codes/check', { body: { code } }), open) as Promise<CodeHolder>,
  redeem: (code: string, newPassword: string) =>
    call(api.POST('/api/identity/codes/redeem', { body: { code, newPassword } }), open) as Promise<Me | SecondStep>,
  sessions: () => call(api.GET('/api/identity/sessions')) as Promise<Session[]>,
  endSession: (sessionId: string) => call(api.DELETE('/api/identity/sessions/{sessionId}', { params: { path: { sessionId } } })),
  signOutEverywhere: () => call(api.POST('/api/identity/sign-out-everywhere')),
  outbox: (take = 50) => call(api.GET('/api/mail/outbox', { params: { query: { take } } })) as Promise<OutboxMessage[]>,
};

/** The shortest password the server accepts (it also refuses common and guessable ones). */
export const minimumPasswordLength = 10;
