// The TOTP second factor: the code step of sign-in, enrolment and switching off, an admin's reset,
// and an institution's "admins must use it" setting.
import { request } from './client';
import type { Me, TwoFactorStatus } from './lms';

/** What a right password answers when a code is needed next: no session yet, only a short-lived ticket. */
export interface SecondStep {
  secondFactor: 'totp';
  ticket: string;
  expiresAt: string;
}

export interface TwoFactorDetail extends TwoFactorStatus {
  requiredByInstitution: boolean;
  recoveryCodesLeft: number;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrSvgDataUrl: string;
}

export function isSecondStep(answer: Me | SecondStep): answer is SecondStep {
  return 'ticket' in answer && typeof answer.ticket === 'string';
}

const id = '/api/identity';

export const twoFactorApi = {
  signIn: (login: string, password: string, rememberMe: boolean) =>
    request<Me | SecondStep>(`${id}/sign-in`, { body: { login, password, rememberMe }, allowUnauthenticated: true }),
  signInWithCode: (ticket: string, code: string) =>
    request<Me>(`${id}/sign-in/code`, { body: { ticket, code }, allowUnauthenticated: true }),
  detail: () => request<TwoFactorDetail>(`${id}/two-factor`),
  enrol: () => request<TotpEnrolment>(`${id}/two-factor/enrol`, { method: 'POST' }),
  confirm: (code: string) => request<{ recoveryCodes: string[] }>(`${id}/two-factor/confirm`, { body: { code } }),
  disable: (proof: { code?: string; password?: string }) => request<void>(`${id}/two-factor/disable`, { body: proof }),
  reset: (institutionId: string, userId: string) =>
    request<void>(`/api/institutions/${encodeURIComponent(institutionId)}/people/${encodeURIComponent(userId)}/two-factor`, { method: 'DELETE' }),
  policy: (institutionId: string) =>
    request<{ adminsRequireTwoFactor: boolean }>(`/api/institutions/${encodeURIComponent(institutionId)}/two-factor-policy`),
  setPolicy: (institutionId: string, adminsRequireTwoFactor: boolean) =>
    request<{ adminsRequireTwoFactor: boolean }>(`/api/institutions/${encodeURIComponent(institutionId)}/two-factor-policy`,
      { method: 'PUT', body: { adminsRequireTwoFactor } }),
};
