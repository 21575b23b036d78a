// A real OpenID Provider for the tests: npm `oidc-provider` (certified by the OpenID Foundation) on 127.0.0.1.
// Run from the folder where NpmPackage installed it: node oidc-provider.mjs <port>
// Clients and accounts are added by the test while it runs (its Lms server's redirect URIs are only known then):
//   POST /test/clients  {"client_id", "client_secret", "redirect_uris": [...]}
//   POST /test/accounts {"sub", "email", "email_verified", "name"}   (adding one again changes it)
// People sign in on the provider's own login and consent pages (its development interactions: any password).
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;

// One in-memory store for every model the provider keeps (sessions, codes, grants, clients).
const store = new Map();
class MemoryAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload) {
    store.set(this.key(id), payload);
    if (payload.uid) store.set(`${this.model}:uid:${payload.uid}`, id);
    if (payload.userCode) store.set(`${this.model}:userCode:${payload.userCode}`, id);
  }
  async find(id) { return store.get(this.key(id)); }
  async findByUid(uid) { const id = store.get(`${this.model}:uid:${uid}`); return id ? this.find(id) : undefined; }
  async findByUserCode(code) { const id = store.get(`${this.model}:userCode:${code}`); return id ? this.find(id) : undefined; }
  async consume(id) { const found = store.get(this.key(id)); if (found) found.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const [key, value] of store) if (value && value.grantId === grantId) store.delete(key);
  }
}

const accounts = new Map();

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { ...account, sub }; } };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The claims of the requested scopes go into the ID token itself (as Google and Entra put e-mail there).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['lms-test-cookie-key-0123456789'] },
  features: { devInteractions: { enabled: true } },
});

async function body(request) {
  let text = '';
  for await (const chunk of request) text += chunk;
  return JSON.parse(text);
}

const callback = provider.callback();
const server = http.createServer(async (request, response) => {
  try {
    if (request.method === 'POST' && request.url === '/test/clients') {
      const client = await body(request);
      await new MemoryAdapter('Client').upsert(client.client_id, {
        client_id: client.client_id, client_secret: client.client_secret, redirect_uris: client.redirect_uris,
        grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post',
      });
      response.writeHead(204).end();
      return;
    }
    if (request.method === 'POST' && request.url === '/test/accounts') {
      const account = await body(request);
      accounts.set(account.sub, { email: account.email, email_verified: account.email_verified, name: account.name });
      response.writeHead(204).end();
      return;
    }
  } catch (error) {
    response.writeHead(400).end(String(error));
    return;
  }
  callback(request, response);
});
server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
