// The TOTP second factor: the code step of sign-in, enrolment and switching off, an admin's reset,
// and an institution's "admins must use it" setting.
// Shapes and paths come from the server's OpenAPI document (typed.ts).
import type { Me } from './lms';
import { api, call, type Schemas } from './typed';

/** What a right password answers when a code is needed next: no session yet, only a short-lived ticket. */
export type SecondStep = Omit<Schemas['SecondStepView'], 'secondFactor'> & { secondFactor: 'totp' };
export type TwoFactorDetail = Schemas['TwoFactorDetailView'];
export type TotpEnrolment = Schemas['TotpEnrolment'];

export function isSecondStep(answer: Me | SecondStep): answer is SecondStep {
  return 'ticket' in answer && typeof answer.ticket === 'string';
}

const open = { allowUnauthenticated: true };
const person = (institutionId: string, userId: string) => ({ params: { path: { institutionId, userId } } });
const inInstitution = (institutionId: string) => ({ params: { path: { institutionId } } });

export const twoFactorApi = {
  signIn: (login: string, password: string, rememberMe: boolean) =>
    call(api.POST('/api/identity/sign-in', { body: { login, password, rememberMe } }), open) as Promise<Me | SecondStep>,
  signInWithCode: (ticket: string, code: string) =>
    call(api.POST('/api/identity/sign-in/code', { body: { ticket, code } }), open) as Promise<Me>,
  detail: () => call(api.GET('/api/identity/two-factor')),
  enrol: () => call(api.POST('/api/identity/two-factor/enrol')),
  confirm: (code: string) => call(api.POST('/api/identity/two-factor/confirm', { body: { code } })),
  disable: (proof: { code?: string; password?: string }) => call(api.POST('/api/identity/two-factor/disable', { body: proof })),
  reset: (institutionId: string, userId: string) =>
    call(api.DELETE('/api/institutions/{institutionId}/people/{userId}/two-factor', person(institutionId, userId))),
  policy: (institutionId: string) => call(api.GET('/api/institutions/{institutionId}/two-factor-policy', inInstitution(institutionId))),
  setPolicy: (institutionId: string, adminsRequireTwoFactor: boolean) =>
    call(api.PUT('/api/institutions/{institutionId}/two-factor-policy', { ...inInstitution(institutionId), body: { adminsRequireTwoFactor } })),
};
