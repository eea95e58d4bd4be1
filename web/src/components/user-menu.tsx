import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { fullName, initials } from '../lib/format.js';
import type { User } from '../types.js';
import { AppLink } from './app-link.js';

interface UserMenuProps {
  user: User;
  onLogout: () => void;
}

type FocusTarget = 'first' | 'last';

function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return Array.from(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
}

/** The user icon in the top bar: a menu button (WAI-ARIA menu pattern) with Profile and Log out. */
export function UserMenu({ user, onLogout }: UserMenuProps) {
  const [open, setOpen] = useState(false);
  const focusOnOpen = useRef<FocusTarget>('first');
  const containerRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);
  const menuId = useId();
  const buttonId = useId();
  const name = fullName(user);

  function openMenu(target: FocusTarget) {
    focusOnOpen.current = target;
    setOpen(true);
  }

  function close(returnFocus: boolean) {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  }

  useEffect(() => {
    if (!open) return;
    const all = menuItems(menuRef.current);
    const target = focusOnOpen.current === 'last' ? all[all.length - 1] : all[0];
    target?.focus();
    function onPointerDown(event: PointerEvent) {
      if (event.target instanceof Node && !containerRef.current?.contains(event.target)) setOpen(false);
    }
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  function handleButtonKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      openMenu('first');
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      openMenu('last');
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      close(true);
    }
  }

  function handleMenuKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const all = menuItems(menuRef.current);
    const current = all.findIndex((item) => item === document.activeElement);
    const focusAt = (index: number) => all[(index + all.length) % all.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        focusAt(current + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        focusAt(current - 1);
        break;
      case 'Home':
        event.preventDefault();
        focusAt(0);
        break;
      case 'End':
        event.preventDefault();
        focusAt(all.length - 1);
        break;
      case 'Escape':
        event.preventDefault();
        close(true);
        break;
      case 'Tab':
        close(false);
        break;
      default:
        break;
    }
  }

  return (
    <div className="user-menu" ref={containerRef}>
      <button
        ref={buttonRef}
        id={buttonId}
        type="button"
        className="user-menu__button"
        // The name a person sees on the button comes first (WCAG 2.5.3, axe
        // label-content-name-mismatch): "Jamie Rivera, User menu".
        aria-label={`${name}, User menu`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        data-testid="user-menu-button"
        onClick={() => (open ? close(false) : openMenu('first'))}
        onKeyDown={handleButtonKeyDown}
      >
        {/* Initials drawn by CSS (avatar--initials), so they are not visible text the button's name would need. */}
        <span className="avatar avatar--initials" data-initials={initials(user)} aria-hidden="true" />
        <span className="user-menu__name" aria-hidden="true">
          {name}
        </span>
        <svg className="user-menu__chevron" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M4.3 6.3a1 1 0 0 1 1.4 0L8 8.6l2.3-2.3a1 1 0 1 1 1.4 1.4l-3 3a1 1 0 0 1-1.4 0l-3-3a1 1 0 0 1 0-1.4Z"
          />
        </svg>
      </button>
      <div className="user-menu__popover" hidden={!open}>
        <div className="user-menu__identity">
          <p className="user-menu__identity-name">{name}</p>
          <p className="user-menu__identity-detail">{user.email}</p>
          <p className="user-menu__identity-detail">{user.practice.name}</p>
        </div>
        <ul
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-labelledby={buttonId}
          className="user-menu__list"
          onKeyDown={handleMenuKeyDown}
        >
          <li role="none">
            <AppLink
              href="/profile"
              role="menuitem"
              tabIndex={-1}
              className="user-menu__item"
              onClick={() => close(false)}
            >
              Profile
            </AppLink>
          </li>
          <li role="none">
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="user-menu__item"
              onClick={() => {
                close(false);
                onLogout();
              }}
            >
              Log Out
            </button>
          </li>
        </ul>
      </div>
    </div>
  );
}
