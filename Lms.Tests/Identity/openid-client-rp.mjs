// A relying party for the tests: npm `openid-client` (certified by the OpenID Foundation) on 127.0.0.1, signing people
// in with Lms as the OpenID Provider. Run from the folder where NpmPackage installed it: node openid-client-rp.mjs <port>
//   POST /test/clients {"name", "issuer", "client_id", "client_secret"?}   a client (public when there is no secret)
//   GET  /login/<name>?scope=...&prompt=...   starts a sign-in (PKCE S256, state, nonce) with a redirect to Lms
//   GET  /callback/<name>                     openid-client checks the answer and the ID token, reads userinfo; answers
//                                             JSON {ok, id_token_claims, userinfo, has_refresh_token} or {ok: false, error}
//   POST /test/refresh/<name>                 the refresh token grant with the last refresh token, then userinfo again
// The redirect URI of a client is http://127.0.0.1:<port>/callback/<name>.
import http from 'node:http';
import * as client from 'openid-client';

const port = Number(process.argv[2]);
const base = `http://127.0.0.1:${port}`;
const clients = new Map();

function json(response, status, value) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function failure(error) {
  // A 401 with WWW-Authenticate (a client that failed to authenticate) carries its OAuth error in the challenge.
  const challenged = Array.isArray(error?.cause) ? error.cause.find((c) => c?.parameters?.error)?.parameters?.error : undefined;
  return { ok: false, error: error?.error ?? challenged ?? error?.code ?? 'error', status: error?.status, description: error?.error_description ?? String(error?.message ?? error) };
}

async function body(request) {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text ? JSON.parse(text) : {};
}

async function afterTokens(entry, tokens) {
  if (tokens.refresh_token) entry.refreshToken = tokens.refresh_token;
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(entry.config, tokens.access_token, claims?.sub ?? entry.sub);
  if (claims?.sub) entry.sub = claims.sub;
  return { ok: true, id_token_claims: claims ?? null, userinfo, has_refresh_token: Boolean(tokens.refresh_token) };
}

const server = http.createServer(async (request, response) => {
  const url = new URL(request.url, base);
  const [, kind, name] = url.pathname.split('/');
  try {
    if (request.method === 'POST' && url.pathname === '/test/clients') {
      const c = await body(request);
      const auth = c.client_secret ? client.ClientSecretPost(c.client_secret) : client.None();
      const config = await client.discovery(new URL(c.issuer), c.client_id, undefined, auth, { execute: [client.allowInsecureRequests] });
      clients.set(c.name, { config, metadata: config.serverMetadata() });
      json(response, 200, { ok: true, metadata: config.serverMetadata() });
      return;
    }
    const entry = clients.get(name) ?? clients.get(url.pathname.split('/')[3]);
    if (request.method === 'GET' && kind === 'login') {
      entry.verifier = client.randomPKCECodeVerifier();
      entry.state = client.randomState();
      entry.nonce = client.randomNonce();
      const parameters = {
        redirect_uri: `${base}/callback/${name}`, scope: url.searchParams.get('scope') ?? 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(entry.verifier), code_challenge_method: 'S256',
        state: entry.state, nonce: entry.nonce,
      };
      if (url.searchParams.get('prompt')) parameters.prompt = url.searchParams.get('prompt');
      response.writeHead(302, { location: client.buildAuthorizationUrl(entry.config, parameters).href }).end();
      return;
    }
    if (request.method === 'GET' && kind === 'callback') {
      try {
        const tokens = await client.authorizationCodeGrant(entry.config, url,
          { pkceCodeVerifier: entry.verifier, expectedState: entry.state, expectedNonce: entry.nonce });
        json(response, 200, await afterTokens(entry, tokens));
      } catch (error) {
        json(response, 200, failure(error));
      }
      return;
    }
    if (request.method === 'POST' && url.pathname.startsWith('/test/refresh/')) {
      const own = clients.get(url.pathname.split('/')[3]);
      try {
        json(response, 200, await afterTokens(own, await client.refreshTokenGrant(own.config, own.refreshToken)));
      } catch (error) {
        json(response, 200, failure(error));
      }
      return;
    }
    response.writeHead(404).end();
  } catch (error) {
    json(response, 500, failure(error));
  }
});
server.listen(port, '127.0.0.1', () => console.log(`ready ${base}`));
