/**
 * What an app receives for each scope it asks for (src/services/apps/oidc-accounts.ts lists the
 * claims), in words for the consent screen. `openid` is the sign-in itself.
 */
const SCOPE_WORDS: Readonly<Record<string, string>> = {
  openid: 'Who you are in Gatehouse, and when and how you logged in',
  profile: 'Your name, user name and practice code',
  email: 'Your email address',
  roles: 'Your roles in the practice',
  fhirUser: 'The link to your record in the practice’s health records (FHIR)',
  offline_access: 'Stay connected while you are away, until you log out or your administrator stops it',
};

export function scopeWords(scopes: readonly string[]): string[] {
  return scopes.flatMap((scope) => {
    const words = SCOPE_WORDS[scope];
    return words === undefined ? [] : [words];
  });
}
