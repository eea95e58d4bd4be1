import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { useSession } from '../session.js';
import type { User } from '../types.js';
import { AppLink } from './app-link.js';
import { BrandMark } from './brand-mark.js';
import { FormAlert } from './form-alert.js';
import { IdleWarning } from './idle-warning.js';
import { MainNav } from './main-nav.js';
import { UserMenu } from './user-menu.js';

interface AppShellProps {
  user: User;
  pathname: string;
  children: ReactNode;
}

/** Top bar (product, practice, user menu; on a phone a Menu button for the navigation), navigation and the page. */
export function AppShell({ user, pathname, children }: AppShellProps) {
  const { logout } = useSession();
  const [logoutError, setLogoutError] = useState<string | null>(null);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  // On a phone the navigation folds into the top bar's Menu button (shell.css); a new page closes it.
  const [navOpenOn, setNavOpenOn] = useState<string | null>(null);
  const navOpen = navOpenOn === pathname;

  // After an in-app navigation, move focus to the new page's heading so screen readers announce it.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const heading = mainRef.current?.querySelector<HTMLElement>('h1');
    (heading ?? mainRef.current)?.focus();
  }, [pathname]);

  async function handleLogout() {
    setLogoutError(null);
    try {
      await logout();
    } catch (caught) {
      setLogoutError(caught instanceof ApiError ? caught.message : 'We could not log you out. Try again.');
    }
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to Main Content
      </a>
      <header className="topbar">
        <div className="topbar__brand">
          <AppLink href="/profile" className="topbar__home" aria-label="Gatehouse home">
            <BrandMark size={28} />
            <span className="topbar__product" aria-hidden="true">
              Gatehouse
            </span>
          </AppLink>
          <span className="topbar__divider" aria-hidden="true" />
          <span className="topbar__practice" data-testid="practice-name">
            {user.practice.name}
          </span>
        </div>
        <div className="topbar__actions">
          <button
            type="button"
            className="topbar__menu-button"
            aria-expanded={navOpen}
            aria-controls="main-nav"
            onClick={() => setNavOpenOn(navOpen ? null : pathname)}
            data-testid="nav-menu-button"
          >
            <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
              <path fill="currentColor" d="M3 5h14v2H3V5Zm0 4h14v2H3V9Zm0 4h14v2H3v-2Z" />
            </svg>
            Menu
          </button>
          <UserMenu user={user} onLogout={() => void handleLogout()} />
        </div>
      </header>
      <div className="shell__body">
        <MainNav user={user} pathname={pathname} open={navOpen} />
        <main className="shell__main" id="main" ref={mainRef} tabIndex={-1}>
          <FormAlert message={logoutError} />
          {children}
        </main>
      </div>
      <IdleWarning />
    </div>
  );
}
