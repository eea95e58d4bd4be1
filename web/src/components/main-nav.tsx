import type { ReactNode } from 'react';
import { canReadPracticeActivity, isPracticeAdmin } from '../lib/roles.js';
import type { User } from '../types.js';
import { AppLink } from './app-link.js';

interface NavItem {
  href: string;
  label: string;
  icon: ReactNode;
  /** Whether this user sees the item. */
  shows: (user: User) => boolean;
}

const everyone = () => true;

function Icon({ d }: { d: string }) {
  return (
    <svg className="main-nav__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path fill="currentColor" d={d} />
    </svg>
  );
}

const ITEMS: NavItem[] = [
  {
    href: '/profile',
    label: 'Profile',
    shows: everyone,
    icon: <Icon d="M10 10a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm0 2c-4 0-7 2-7 4.5V18h14v-1.5C17 14 14 12 10 12Z" />,
  },
  {
    href: '/staff',
    label: 'Staff',
    shows: isPracticeAdmin,
    icon: (
      <Icon d="M7 9a3.2 3.2 0 1 0 0-6.4A3.2 3.2 0 0 0 7 9Zm7 0a2.6 2.6 0 1 0 0-5.2A2.6 2.6 0 0 0 14 9ZM7 10.6c-3 0-5.5 1.6-5.5 3.8V17h11v-2.6c0-2.2-2.5-3.8-5.5-3.8Zm7 .2c-.6 0-1.1.1-1.6.2 1 .9 1.6 2 1.6 3.4V17h4.5v-2.4c0-2.1-2-3.8-4.5-3.8Z" />
    ),
  },
  {
    href: '/settings',
    label: 'Settings',
    shows: isPracticeAdmin,
    icon: (
      <Icon d="M11.3 1.5h-2.6l-.4 2.3a6.5 6.5 0 0 0-1.6.9L4.5 3.9 3.2 6.1 5 7.6a6.6 6.6 0 0 0 0 1.8l-1.8 1.5 1.3 2.2 2.2-.8c.5.4 1 .7 1.6.9l.4 2.3h2.6l.4-2.3a6.5 6.5 0 0 0 1.6-.9l2.2.8 1.3-2.2L15 9.4a6.6 6.6 0 0 0 0-1.8l1.8-1.5-1.3-2.2-2.2.8a6.5 6.5 0 0 0-1.6-.9l-.4-2.3ZM10 11a2.5 2.5 0 1 1 0-5 2.5 2.5 0 0 1 0 5Z" />
    ),
  },
  {
    href: '/settings/activity-log',
    label: 'Activity Log',
    shows: canReadPracticeActivity,
    icon: <Icon d="M4 2h9l3 3v13H4V2Zm2 5v1.6h8V7H6Zm0 3.5v1.6h8v-1.6H6Zm0 3.5v1.6h5V14H6Z" />,
  },
];

/** The pages this user may open; on a phone shown only while the top bar's Menu is `open` (shell.css). */
export function MainNav({ user, pathname, open }: { user: User; pathname: string; open: boolean }) {
  return (
    <nav id="main-nav" className={open ? 'main-nav main-nav--open' : 'main-nav'} aria-label="Main">
      <ul className="main-nav__list">
        {ITEMS.filter((item) => item.shows(user)).map((item) => {
          // The most specific item whose path starts the current one is current.
          const current =
            (pathname === item.href || pathname.startsWith(`${item.href}/`)) &&
            !ITEMS.some((other) => other.href.length > item.href.length && pathname.startsWith(other.href));
          return (
            <li key={item.href}>
              <AppLink
                href={item.href}
                className="main-nav__link"
                aria-current={current ? 'page' : undefined}
              >
                {item.icon}
                <span>{item.label}</span>
              </AppLink>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
