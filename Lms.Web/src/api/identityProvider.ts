// Lms as an OpenID Connect provider for other school systems: the systems a platform admin registers, and each
// person's consents to them. Shapes and paths come from the server's OpenAPI document (typed.ts).
import { api, call, type Schemas } from './typed';

export type ProviderClient = Schemas['ProviderClientView'];
export type ProviderClientRequest = Schemas['ProviderClientRequest'];
export type ProviderConsent = Schemas['ProviderConsentView'];

export const identityProviderApi = {
  clients: () => call(api.GET('/api/identity/provider/clients')),
  register: (body: ProviderClientRequest) => call(api.POST('/api/identity/provider/clients', { body })),
  remove: (id: string) => call(api.DELETE('/api/identity/provider/clients/{id}', { params: { path: { id } } })),
  consents: () => call(api.GET('/api/identity/provider/consents')),
  revoke: (clientId: string) => call(api.DELETE('/api/identity/provider/consents/{clientId}', { params: { path: { clientId } } })),
};
