/**
 * Every screenshot the guides may show, by file name (docs/images/NAME.png) and what it shows.
 * test/e2e/docs-screenshots.test.ts takes exactly these from the real app (and fails when one
 * is not taken); test/docs/guides.test.ts fails when a guide shows an image that is not listed
 * here or not committed, or when a listed image has no committed PNG. To change a picture:
 * change the walk, run `npm run docs:screenshots`, commit the PNGs.
 */
export const DOC_SCREENSHOTS = [
  // User guide (any staff member)
  { name: 'sign-in', shows: 'The Log In page with Practice Code, User Name and Password filled in' },
  { name: 'user-menu', shows: 'The user menu opened from the top bar, with Profile and Log Out' },
  {
    name: 'security-activity',
    shows: 'Profile > Information > Security & Activity of a clinician who has not set up two-factor yet',
  },
  { name: 'change-password', shows: 'The Change Your Password dialog with every requirement met' },
  { name: 'two-factor-enroll', shows: 'Enroll in Two-Factor Authentication: the Current Password step' },
  { name: 'two-factor-scan', shows: 'The QR code, the key to type, and the Code from the app field' },
  { name: 'recovery-codes', shows: 'Save Your Recovery Codes: ten codes with Copy, Download and Print' },
  { name: 'two-factor-on', shows: 'The Two-Factor Authentication row turned On, with its buttons' },
  { name: 'passkey-add', shows: 'Add a Passkey: Passkey Name and Current Password' },
  { name: 'passkeys', shows: 'The passkey list with one passkey, Rename and Remove' },
  {
    name: 'two-factor-sign-in',
    shows: 'The login step asking for the Authentication Code, with the other ways to verify',
  },
  { name: 'my-sessions', shows: 'The Sessions row: this browser and another one, with Log Out buttons' },
  { name: 'forgot-password', shows: 'Forgot Your Password? with Practice Code and User Name filled in' },
  { name: 'forgot-password-sent', shows: 'The Check your email answer after Send Reset Link' },
  { name: 'reset-password-link', shows: 'The page the emailed link opens: a new password, twice' },
  { name: 'forgot-practice-code', shows: 'Forgot Your Practice Code? with an email address filled in' },
  {
    name: 'choose-new-password',
    shows: 'Choose a New Password, shown after logging in with a temporary password',
  },
  // Admin guide (Practice Administrators)
  { name: 'staff-list', shows: 'Staff: the practice’s users with roles and status, and + New User' },
  { name: 'new-user', shows: 'The New User dialog filled in' },
  {
    name: 'staff-security-activity',
    shows: 'Staff > Name > Security & Activity: last login, password, two-factor, lock, sessions',
  },
  { name: 'reset-password-confirm', shows: 'The Reset Password confirmation dialog' },
  { name: 'temporary-password', shows: 'The Temporary Password dialog (an example password)' },
  { name: 'remove-two-factor', shows: 'The Remove Two-Factor Authentication? confirmation dialog' },
  { name: 'account-locked', shows: 'The Account Lock row of a locked user, with Unlock' },
  { name: 'sign-out-everywhere', shows: 'The Sessions row after Log Out Everywhere' },
  {
    name: 'security-settings',
    shows: 'Settings > Security: Password Settings, Two-Factor, Access and Activity',
  },
  { name: 'computer-access', shows: 'Computer Access Settings with one named office range' },
  { name: 'activity-log', shows: 'The practice-wide Activity Log, newest first' },
  {
    name: 'activity-log-filtered',
    shows: 'The Activity Log filtered to one user and one action, with Download CSV',
  },
] as const;

export type DocScreenshotName = (typeof DOC_SCREENSHOTS)[number]['name'];

/** Where the committed screenshots live, relative to the repository root. */
export const DOC_IMAGES_DIR = 'docs/images';
