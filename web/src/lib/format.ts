import type { User } from '../types.js';

const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

const dateTime = new Intl.DateTimeFormat(undefined, DATE_TIME);

const dateOnly = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

const zonedFormats = new Map<string, Intl.DateTimeFormat>();

function zonedFormat(timeZone: string): Intl.DateTimeFormat {
  let format = zonedFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat(undefined, { ...DATE_TIME, timeZone });
    } catch {
      format = dateTime;
    }
    zonedFormats.set(timeZone, format);
  }
  return format;
}

/**
 * "Nov 28, 2026, 8:01 AM EST" in the practice's time zone when given (else the browser's);
 * unparseable input is shown as given.
 */
export function formatDateTime(iso: string, timeZone?: string): string {
  const date = parse(iso);
  if (date === null) return iso;
  return (timeZone === undefined ? dateTime : zonedFormat(timeZone)).format(date);
}

export function formatDate(iso: string): string {
  const date = parse(iso);
  return date === null ? iso : dateOnly.format(date);
}

export function fullName(user: User): string {
  const name = `${user.firstName} ${user.lastName}`.trim();
  return name === '' ? user.username : name;
}

export function initials(user: User): string {
  const letters = `${user.firstName.charAt(0)}${user.lastName.charAt(0)}`.trim();
  return (letters === '' ? user.username.slice(0, 2) : letters).toUpperCase();
}
