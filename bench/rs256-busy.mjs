#!/usr/bin/env node
// RS256 signatures of an ID token, IN_FLIGHT at a time (default: one per pool thread,
// UV_THREADPOOL_SIZE) until SIGTERM: the code-exchange limit of `npm run bench`
// (bench/lib/signature-limit.mjs). ID_TOKEN is one the server issued: each signature here is of
// its header and claims (a fresh iat and exp each time), with a key of its own of the same size
// (the signature's length), the way the provider signs (oidc-provider's lib/helpers/jwt.js calls
// jose's CompactSign: JSON, base64url, then WebCrypto's sign, which runs on the libuv pool).
// Prints "ready" once the first signature is done, and the number done so far on SIGUSR2.
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { runBusy } from './lib/busy-loop.mjs';

const [headerPart, payloadPart, signaturePart] = (process.env.ID_TOKEN ?? '').split('.');
if (!signaturePart) throw new Error('ID_TOKEN: an ID token (header.payload.signature) to sign alike');
const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const header = decode(headerPart);
const claims = decode(payloadPart);
const modulusLength = Buffer.from(signaturePart, 'base64url').length * 8;

const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const { privateKey } = generateKeyPairSync('rsa', { modulusLength });
const key = await webcrypto.subtle.importKey('jwk', privateKey.export({ format: 'jwk' }), algorithm, false, [
  'sign',
]);
const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const lifetime = claims.exp - claims.iat;

async function sign() {
  const iat = Math.floor(Date.now() / 1000);
  const input = `${encode(header)}.${encode({ ...claims, iat, exp: iat + lifetime })}`;
  const signature = await webcrypto.subtle.sign(algorithm, key, Buffer.from(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

await runBusy(sign);
