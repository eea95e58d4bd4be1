import type { ReactNode } from 'react';
import { BrandMark } from './brand-mark.js';

interface AuthLayoutProps {
  /** The page's main heading. On the sign-in page it is the product name itself. */
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  /** Hide the small product name above the heading when the heading already is the product name. */
  showBrand?: boolean;
}

/** The centred card used by every screen shown before the user is fully signed in. */
export function AuthLayout({ title, subtitle, children, showBrand = true }: AuthLayoutProps) {
  return (
    <div className="auth">
      <main className="auth__main" id="main">
        <div className="auth__card">
          <header className="auth__header">
            <div className="auth__logo">
              <BrandMark size={44} />
            </div>
            {showBrand && <p className="auth__brand">Gatehouse</p>}
            <h1 className="auth__title">{title}</h1>
            {subtitle !== undefined && <p className="auth__subtitle">{subtitle}</p>}
          </header>
          {children}
        </div>
        <footer className="auth__footer">
          <p>Trouble logging in? Your practice's Practice Administrator can reset your password.</p>
          <p className="auth__fine-print">
            Gatehouse protects your practice's health information. Never share your password.
          </p>
        </footer>
      </main>
    </div>
  );
}
