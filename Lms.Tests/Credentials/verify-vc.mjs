// An independent verifier of an Lms credential, on Node's own crypto (OpenSSL) and nothing of Lms:
//   node verify-vc.mjs <file with the VC-JWT> <the issuer's JWKS URL> <the expected issuer id>
// Checks the compact JWS (ES256, typ vc+jwt), the signature with the key the institution publishes,
// the issuer, the dates, and the revocation bit in the issuer's Bitstring Status List credential
// (itself verified with the same keys). Prints {"valid": true|false, "reason": "..."} and exits 0.
import { readFileSync } from 'node:fs';
import { createPublicKey, verify } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

const [, , file, jwksUrl, expectedIssuer] = process.argv;
const done = (valid, reason) => {
  console.log(JSON.stringify({ valid, reason }));
  process.exit(0);
};

function decode(part) {
  return Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function parse(jwt) {
  const parts = jwt.trim().split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  return {
    header: JSON.parse(decode(parts[0]).toString('utf8')),
    payload: JSON.parse(decode(parts[1]).toString('utf8')),
    signingInput: Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'),
    signature: decode(parts[2]),
  };
}

function checkSignature(jws, jwks) {
  if (jws.header.alg !== 'ES256') return 'alg is not ES256';
  const jwk = jwks.keys.find((k) => k.kid === jws.header.kid);
  if (!jwk) return 'no published key has this kid';
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  const ok = verify('sha256', jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
  return ok ? null : 'bad signature';
}

try {
  const jws = parse(readFileSync(file, 'utf8'));
  if (jws.header.typ !== 'vc+jwt') done(false, 'typ is not vc+jwt');
  const jwks = await (await fetch(jwksUrl)).json();
  const problem = checkSignature(jws, jwks);
  if (problem) done(false, problem);

  const vc = jws.payload;
  if (!vc.type?.includes('VerifiableCredential')) done(false, 'not a verifiable credential');
  if (!vc['@context']?.[0]?.startsWith('https://www.w3.org/ns/credentials/v2')) done(false, 'not the VC 2.0 context');
  const issuer = typeof vc.issuer === 'string' ? vc.issuer : vc.issuer?.id;
  if (issuer !== expectedIssuer || (vc.iss && vc.iss !== issuer)) done(false, `issuer ${issuer} is not ${expectedIssuer}`);
  const now = Date.now();
  if (!vc.validFrom || Date.parse(vc.validFrom) > now + 300_000) done(false, 'not valid yet');
  if (vc.validUntil && Date.parse(vc.validUntil) < now) done(false, 'expired');

  const status = vc.credentialStatus;
  if (status?.type !== 'BitstringStatusListEntry' || status.statusPurpose !== 'revocation') done(false, 'no revocation status');
  const listJws = parse(await (await fetch(status.statusListCredential)).text());
  const listProblem = checkSignature(listJws, jwks);
  if (listProblem) done(false, `status list: ${listProblem}`);
  const list = listJws.payload;
  const listIssuer = typeof list.issuer === 'string' ? list.issuer : list.issuer?.id;
  if (listIssuer !== issuer) done(false, 'status list from another issuer');
  if (list.credentialSubject?.type !== 'BitstringStatusList' || list.credentialSubject.statusPurpose !== 'revocation') done(false, 'not a revocation list');
  const encoded = list.credentialSubject.encodedList;
  if (!encoded?.startsWith('u')) done(false, 'encodedList is not multibase base64url');
  const bits = gunzipSync(decode(encoded.slice(1)));
  const index = Number.parseInt(status.statusListIndex, 10);
  if (!(index >= 0 && index < bits.length * 8)) done(false, 'status index out of range');
  const revoked = (bits[index >> 3] >> (7 - (index % 8))) & 1;
  if (revoked) done(false, 'revoked');
  done(true, 'ok');
} catch (error) {
  done(false, `error: ${error.message}`);
}
