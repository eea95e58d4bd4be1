import { AppShell } from './components/app-shell.js';
import { LoadingScreen } from './components/loading-screen.js';
import { Redirect } from './components/redirect.js';
import { ReturnAfterSignIn } from './components/return-after-sign-in.js';
import { StartupError } from './components/startup-error.js';
import { useLocation } from './lib/router.js';
import { canReadPracticeActivity, isPracticeAdmin } from './lib/roles.js';
import { ActivityLogPage } from './pages/activity-log-page.js';
import { AuthorizePage } from './pages/authorize-page.js';
import { ConnectedAppsPage } from './pages/connected-apps-page.js';
import { ComputerAccessSettingsPage } from './pages/computer-access-settings-page.js';
import { ForgotPage } from './pages/forgot-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { PasswordChangePage } from './pages/password-change-page.js';
import { ProfilePage } from './pages/profile-page.js';
import { ResetPasswordPage } from './pages/reset-password-page.js';
import { SecurityOverviewPage } from './pages/security-overview-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { StaffListPage } from './pages/staff-list-page.js';
import { StaffMemberPage } from './pages/staff-member-page.js';
import { TwoFactorEnrollmentPage } from './pages/two-factor-enrollment-page.js';
import { TwoFactorPage } from './pages/two-factor-page.js';
import { useSession } from './session.js';
import type { User } from './types.js';

const HOME = '/profile';
const STAFF_MEMBER_PATH = /^\/staff\/[\w-]{1,64}$/;
const PUBLIC_PATHS = new Set(['/', '/login', '/forgot-password', '/forgot-practice-code', '/reset-password']);

function AnonymousRoutes({ pathname }: { pathname: string }) {
  switch (pathname) {
    case '/':
    case '/login':
      return <SignInPage />;
    case '/forgot-password':
      return <ForgotPage flow="password" />;
    case '/forgot-practice-code':
      return <ForgotPage flow="practiceCode" />;
    case '/reset-password':
      return <ResetPasswordPage />;
    default:
      return <Redirect to="/login" />;
  }
}

function SignedInRoutes({ user, pathname }: { user: User; pathname: string }) {
  const { search } = useLocation();
  // An app asked for a fresh sign-in (http/oidc/interaction.routes.ts): ask, though signed in.
  if (pathname === '/login' && search.has('reauthenticate')) return <SignInPage />;
  if (PUBLIC_PATHS.has(pathname)) return <ReturnAfterSignIn home={HOME} />;
  if (pathname === '/authorize') return <AuthorizePage />;
  let page;
  const staffActivity = /^\/staff\/([A-Za-z0-9-]{1,64})\/activity$/.exec(pathname);
  if (pathname === '/profile') page = <ProfilePage />;
  else if (pathname === '/profile/activity') page = <ActivityLogPage source={{ kind: 'me' }} />;
  else if (staffActivity?.[1] && isPracticeAdmin(user))
    page = <ActivityLogPage key={staffActivity[1]} source={{ kind: 'staff', userId: staffActivity[1] }} />;
  else if (pathname === '/settings/activity-log' && canReadPracticeActivity(user))
    page = <ActivityLogPage source={{ kind: 'practice' }} />;
  else if (pathname === '/staff' && isPracticeAdmin(user)) page = <StaffListPage />;
  else if (STAFF_MEMBER_PATH.test(pathname) && isPracticeAdmin(user))
    page = <StaffMemberPage key={pathname} id={pathname.slice('/staff/'.length)} />;
  else if (pathname === '/settings' && isPracticeAdmin(user)) page = <SettingsPage />;
  else if (pathname === '/settings/security-overview' && isPracticeAdmin(user))
    page = <SecurityOverviewPage />;
  else if (pathname === '/settings/computer-access' && isPracticeAdmin(user))
    page = <ComputerAccessSettingsPage />;
  else if (pathname === '/settings/connected-apps' && isPracticeAdmin(user)) page = <ConnectedAppsPage />;
  else page = <NotFoundPage />;
  return (
    <AppShell user={user} pathname={pathname}>
      {page}
    </AppShell>
  );
}

/** Chooses the screen from the session's stage: until signed in, only that stage's screen is reachable. */
export function App() {
  const { state, refresh } = useSession();
  const { pathname } = useLocation();

  if (state.status === 'loading') return <LoadingScreen />;
  if (state.status === 'error')
    return <StartupError message={state.message} onRetry={() => void refresh()} />;

  switch (state.stage) {
    case 'anonymous':
      return <AnonymousRoutes pathname={pathname} />;
    case 'password_change':
      return <PasswordChangePage />;
    case 'two_factor':
      return <TwoFactorPage />;
    case 'two_factor_enrollment':
      return <TwoFactorEnrollmentPage />;
    case 'signed_in':
      if (state.user === null) return <AnonymousRoutes pathname={pathname} />;
      return <SignedInRoutes user={state.user} pathname={pathname} />;
  }
}
