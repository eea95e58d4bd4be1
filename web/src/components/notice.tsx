import type { ReactNode } from 'react';

/** A calm, polite message (role="status"): information, not an error. */
export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div role="status" className="alert alert--info" data-testid={testId}>
      <svg className="alert__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M10 1.7a8.3 8.3 0 1 0 0 16.6 8.3 8.3 0 0 0 0-16.6Zm.9 12.4H9.1V8.7h1.8v5.4ZM10 7.5a1.1 1.1 0 1 1 0-2.2 1.1 1.1 0 0 1 0 2.2Z"
        />
      </svg>
      <div className="alert__body">{children}</div>
    </div>
  );
}

/** The one message every settings form shows after a successful save. */
export function SettingsSavedNotice() {
  return <Notice testId="settings-saved">Settings saved. They apply from now on.</Notice>;
}
