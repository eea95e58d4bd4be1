import { Type } from 'typebox';

/**
 * Bodies that carry a WebAuthn ceremony's result, as @simplewebauthn/browser returns them.
 * Every field is bounded; the 64 KiB body limit bounds the whole.
 */
const Base64Url = Type.String({ minLength: 1, maxLength: 16_384, pattern: '^[A-Za-z0-9_-]+={0,2}$' });
const Transports = Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 });
const Attachment = Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]);
/**
 * Extension outputs: browsers return only those the server asked for or that are always on
 * (credProps); every field is listed, so nothing unlisted reaches the server.
 */
const ExtensionResults = Type.Object(
  {
    credProps: Type.Optional(
      Type.Object({ rk: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    ),
    appid: Type.Optional(Type.Boolean()),
    hmacCreateSecret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RegistrationResponseSchema = Type.Object(
  {
    id: Base64Url,
    rawId: Base64Url,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: Base64Url,
        attestationObject: Base64Url,
        authenticatorData: Type.Optional(Base64Url),
        transports: Type.Optional(Transports),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(Base64Url),
      },
      { additionalProperties: false },
    ),
    clientExtensionResults: ExtensionResults,
    authenticatorAttachment: Type.Optional(Attachment),
  },
  { additionalProperties: false },
);

export const AuthenticationResponseSchema = Type.Object(
  {
    id: Base64Url,
    rawId: Base64Url,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: Base64Url,
        authenticatorData: Base64Url,
        signature: Base64Url,
        userHandle: Type.Optional(Type.String({ maxLength: 1024 })),
      },
      { additionalProperties: false },
    ),
    clientExtensionResults: ExtensionResults,
    authenticatorAttachment: Type.Optional(Attachment),
  },
  { additionalProperties: false },
);

/**
 * Ceremony options made by @simplewebauthn/server from public data only (challenge, RP,
 * user handle and name, credential ids); passed through whole, since the browser library
 * needs every field it produced.
 */
export const CeremonyOptions = Type.Unknown();
