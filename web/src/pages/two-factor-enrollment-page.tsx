import { AuthLayout } from '../components/auth-layout.js';
import { LogoutButton } from '../components/logout-button.js';
import { Notice } from '../components/notice.js';
import { usePageTitle } from '../lib/use-page-title.js';

/** Placeholder for required two-factor enrolment (setup endpoints arrive in a later issue). */
export function TwoFactorEnrollmentPage() {
  usePageTitle('Set Up Two-Factor Authentication');
  return (
    <AuthLayout
      title="Set up two-factor authentication"
      subtitle="Your practice requires two-factor authentication for every user."
    >
      <div className="form">
        <Notice testId="two-factor-enrollment-placeholder">
          <p>
            Setting up an authenticator app from this screen is arriving soon. For now, log out and ask your
            Practice Administrator for help.
          </p>
        </Notice>
        <LogoutButton />
      </div>
    </AuthLayout>
  );
}
