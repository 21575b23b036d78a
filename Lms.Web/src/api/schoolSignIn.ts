// Sign-in with the institution's OpenID Connect provider: the sign-in page's lookup by e-mail domain, and the
// providers an institution's admins connect. Shapes and paths come from the server's OpenAPI document (typed.ts).
import { api, call, type Schemas } from './typed';

export type SignInProvider = Schemas['SignInProviderView'];
export type SignInProviderRequest = Schemas['SignInProviderRequest'];
export type ExternalProviderHint = Schemas['ExternalProviderHint'];

const inInstitution = (institutionId: string) => ({ params: { path: { institutionId } } });
const provider = (institutionId: string, providerId: string) => ({ params: { path: { institutionId, providerId } } });

export const schoolSignInApi = {
  forEmail: (email: string) =>
    call(api.GET('/api/identity/external/providers', { params: { query: { email } } }), { allowUnauthenticated: true }),
  list: (institutionId: string) => call(api.GET('/api/institutions/{institutionId}/sign-in-providers', inInstitution(institutionId))),
  create: (institutionId: string, body: SignInProviderRequest) =>
    call(api.POST('/api/institutions/{institutionId}/sign-in-providers', { ...inInstitution(institutionId), body })),
  update: (institutionId: string, providerId: string, body: SignInProviderRequest) =>
    call(api.PUT('/api/institutions/{institutionId}/sign-in-providers/{providerId}', { ...provider(institutionId, providerId), body })),
  remove: (institutionId: string, providerId: string) =>
    call(api.DELETE('/api/institutions/{institutionId}/sign-in-providers/{providerId}', provider(institutionId, providerId))),
};
