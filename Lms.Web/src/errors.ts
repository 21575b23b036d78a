import type { TFunction } from 'i18next';
import i18n from './i18n';
import { ApiError, ProblemTypes, normaliseField } from './api/client';

/**
 * A person-readable message for any failure: by the problem's stable `type`, for validation problems
 * by field (compared case-insensitively), falling back to what the server said.
 * `context` picks a more specific wording where a page knows better (e.g. "changePassword").
 */
export function errorText(t: TFunction, error: unknown, context?: string): string {
  if (!(error instanceof ApiError)) return t('problem.unknown');
  const kind = error.type.startsWith(ProblemTypes.prefix) ? error.type.slice(ProblemTypes.prefix.length) : '';
  const coded = codeText(t, error);
  if (coded) return coded;

  if (error.type === ProblemTypes.validation && error.problem.errors) {
    const messages = Object.entries(error.problem.errors).map(([field, serverMessages]) => {
      const name = normaliseField(field);
      for (const key of [context ? `validation.${context}.${name}` : '', `validation.${name}`]) {
        if (key && i18n.exists(key)) return t(key);
      }
      return serverMessages.join(' ');
    });
    const unique = [...new Set(messages)].filter(Boolean);
    if (unique.length > 0) return unique.join(' ');
  }

  for (const key of [context && kind ? `problem.${context}.${kind}` : '', kind ? `problem.${kind}` : '']) {
    if (key && i18n.exists(key)) return t(key);
  }
  return error.problem.detail ?? error.problem.title ?? t('problem.unknown');
}

/** The translated message for one form field, if the error is a validation problem naming it. */
export function fieldErrorText(t: TFunction, error: unknown, field: string, context?: string): string | undefined {
  if (!(error instanceof ApiError) || error.type !== ProblemTypes.validation) return undefined;
  const messages = error.fieldErrors(field);
  if (messages.length === 0) return undefined;
  const coded = codeText(t, error);
  if (coded) return coded;
  const name = normaliseField(field);
  for (const key of [context ? `validation.${context}.${name}` : '', `validation.${name}`]) {
    if (key && i18n.exists(key)) return t(key);
  }
  return messages.join(' ');
}

/**
 * A validation problem may carry a stable `code` and the `value` that was refused
 * (e.g. unknown-login with the e-mail that matched nobody): the most precise text there is.
 */
function codeText(t: TFunction, error: ApiError): string | undefined {
  const code = typeof error.problem.code === 'string' ? error.problem.code : undefined;
  if (!code) return undefined;
  const key = `validation.code.${code}`;
  if (!i18n.exists(key)) return undefined;
  const value = typeof error.problem.value === 'string' ? error.problem.value : '';
  return t(key, { value });
}

/** A roster problem's text, by its stable code; the server's English message if the code is new. */
export function rosterProblemText(t: TFunction, code: string, message: string): string {
  const key = `roster.code.${code}`;
  return i18n.exists(key) ? t(key) : message;
}

/** A roster column's name in the reader's language (unknown columns are shown as they were written). */
export function rosterFieldText(t: TFunction, field: string): string {
  const key = `roster.field.${field}`;
  return i18n.exists(key) ? t(key) : field;
}

/** Whether a validation problem names one of these fields (then the form shows it beside the field). */
export function namesAnyField(error: unknown, fields: string[]): boolean {
  return error instanceof ApiError && error.type === ProblemTypes.validation
    && fields.some((field) => error.fieldErrors(field).length > 0);
}
