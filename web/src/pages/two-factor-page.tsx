import { AuthLayout } from '../components/auth-layout.js';
import { LogoutButton } from '../components/logout-button.js';
import { Notice } from '../components/notice.js';
import { usePageTitle } from '../lib/use-page-title.js';

/** Placeholder for the second-factor step (POST /api/auth/two-factor arrives in a later issue). */
export function TwoFactorPage() {
  usePageTitle('Two-Factor Authentication');
  return (
    <AuthLayout
      title="Two-Factor Authentication"
      subtitle="Your account is protected with two-factor authentication."
    >
      <div className="form">
        <Notice testId="two-factor-placeholder">
          <p>
            Entering your authentication code here is arriving soon. For now, log out and ask your Practice
            Administrator for help signing in.
          </p>
        </Notice>
        <LogoutButton />
      </div>
    </AuthLayout>
  );
}
