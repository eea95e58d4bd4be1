import { AuthLayout } from '../components/auth-layout.js';
import { LogoutButton } from '../components/logout-button.js';
import { TotpEnrollment } from '../components/totp-enrollment.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useSession } from '../session.js';

/** Required enrolment at sign-in: the practice requires two-factor authentication and the user has none. */
export function TwoFactorEnrollmentPage() {
  usePageTitle('Set Up Two-Factor Authentication');
  const { refresh } = useSession();
  return (
    <AuthLayout
      title="Set Up Two-Factor Authentication"
      subtitle="Your practice requires two-factor authentication for every user. Set it up to continue."
    >
      {/* The password was typed to log in a moment ago: the server asks no second one in this stage. */}
      <TotpEnrollment passwordProven onFinished={() => void refresh()} />
      <div className="auth__secondary">
        <LogoutButton className="button button--link" />
      </div>
    </AuthLayout>
  );
}
