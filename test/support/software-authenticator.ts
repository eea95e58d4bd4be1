import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

/**
 * A software passkey authenticator for API tests: answers a registration ceremony with
 * "none" attestation and a fresh P-256 (ES256) key, as @simplewebauthn/browser would hand it
 * to the server. Enough for the server to verify and store a passkey over real HTTP; the
 * browser tests use Chromium's virtual authenticator instead.
 */
export interface RegistrationOptions {
  readonly challenge: string;
  readonly rp: { readonly id: string };
}

export interface RegistrationResponse {
  readonly id: string;
  readonly rawId: string;
  readonly type: 'public-key';
  readonly response: { readonly clientDataJSON: string; readonly attestationObject: string };
  readonly clientExtensionResults: Record<string, never>;
}

/** The response to `options` from a new credential, as the page at `origin` would send it. */
export function registerPasskey(options: RegistrationOptions, origin: string): RegistrationResponse {
  const credentialId = randomBytes(32);
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const coseKey = cbor({
    map: [
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x ?? '', 'base64url')],
      [-3, Buffer.from(jwk.y ?? '', 'base64url')],
    ],
  });
  const flags = 0x01 | 0x40; // user present, attested credential data included
  const authData = Buffer.concat([
    createHash('sha256').update(options.rp.id).digest(),
    Buffer.from([flags]),
    Buffer.alloc(4), // sign count
    Buffer.alloc(16), // AAGUID: none
    Buffer.from([credentialId.length >> 8, credentialId.length & 0xff]),
    credentialId,
    coseKey,
  ]);
  const attestationObject = cbor({
    map: [
      ['fmt', 'none'],
      ['attStmt', { map: [] }],
      ['authData', authData],
    ],
  });
  const clientData = JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin });
  const id = credentialId.toString('base64url');
  return {
    id,
    rawId: id,
    type: 'public-key',
    response: {
      clientDataJSON: Buffer.from(clientData).toString('base64url'),
      attestationObject: attestationObject.toString('base64url'),
    },
    clientExtensionResults: {},
  };
}

/** The little of CBOR (RFC 8949) a registration needs: integers, text, bytes and maps. */
type CborValue = number | string | Buffer | CborMap;
interface CborMap {
  readonly map: ReadonlyArray<readonly [CborValue, CborValue]>;
}

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
}

function cbor(value: CborValue): Buffer {
  if (Buffer.isBuffer(value)) return Buffer.concat([cborHead(2, value.length), value]);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, text.length), text]);
  }
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  return Buffer.concat([
    cborHead(5, value.map.length),
    ...value.map.flatMap(([key, item]) => [cbor(key), cbor(item)]),
  ]);
}
