import { useState } from 'react';
import { api } from '../api.js';
import { formatDateTime } from '../lib/format.js';
import { useLoader } from '../lib/use-loader.js';
import type { ActivityEvent, ActivityPage, EventTypeGroup } from '../types.js';
import { FormAlert } from './form-alert.js';

/** Whose events a log shows, and so which endpoint it reads. */
export type ActivitySource = { kind: 'me' } | { kind: 'staff'; userId: string } | { kind: 'practice' };

interface Filters {
  type: string;
  outcome: string;
  from: string;
  to: string;
  /** Practice log only: events of one user (chosen by clicking a name). */
  user: { id: string; username: string } | null;
}

const NO_FILTERS: Filters = { type: '', outcome: '', from: '', to: '', user: null };
const PAGE_SIZE = 50;

function basePath(source: ActivitySource): string {
  if (source.kind === 'me') return '/api/me/activity';
  if (source.kind === 'staff') return `/api/staff/${encodeURIComponent(source.userId)}/activity`;
  return '/api/activity';
}

function query(filters: Filters, source: ActivitySource): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.type) params.set('type', filters.type);
  if (filters.outcome) params.set('outcome', filters.outcome);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (source.kind === 'practice' && filters.user) params.set('user', filters.user.id);
  return params;
}

function readable(value: string | number | boolean | null): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return typeof value === 'string' ? value.replace(/_/g, ' ') : String(value);
}

/**
 * The activity log as a table: filters (action type, outcome, dates, and on the practice log
 * the user), newest first, 50 a page with Newer/Older, and a CSV download of the same filters.
 */
export function ActivityLogView({
  source,
  timeZone,
}: {
  source: ActivitySource;
  timeZone?: string | undefined;
}) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  /** Cursors of the pages seen so far; the last one is the page shown ('' = newest). */
  const [cursors, setCursors] = useState<string[]>(['']);
  const [types] = useLoader(() => api.eventTypes(), 'event-types');

  const params = query(filters, source);
  const cursor = cursors.at(-1) ?? '';
  const pageParams = new URLSearchParams(params);
  pageParams.set('limit', String(PAGE_SIZE));
  if (cursor) pageParams.set('cursor', cursor);
  const path = `${basePath(source)}?${pageParams.toString()}`;
  const [page] = useLoader<ActivityPage>(() => api.activity(path), path);

  // One user's log exports as the practice export filtered to that user.
  const exportParams = query(filters, source);
  if (source.kind === 'staff') exportParams.set('user', source.userId);
  const exportUrl = source.kind === 'me' ? null : `/api/activity/export.csv?${exportParams.toString()}`;
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  function change(next: Partial<Filters>) {
    setFilters((current) => ({ ...current, ...next }));
    setCursors(['']);
  }

  const groups: EventTypeGroup[] = types.status === 'ready' ? types.value.groups : [];
  const labels = new Map(groups.flatMap((group) => group.types.map((t) => [t.type, t.label] as const)));

  return (
    <section className="card activity-log" aria-label="Activity log" data-testid="activity-log">
      <form className="activity-log__filters" onSubmit={(event) => event.preventDefault()}>
        <label className="field">
          <span className="field__label">Action</span>
          <select
            className="input"
            name="type"
            value={filters.type}
            onChange={(event) => change({ type: event.target.value })}
          >
            <option value="">All actions</option>
            {groups.map((group) => (
              <optgroup key={group.key} label={group.label}>
                <option value={group.key}>All: {group.label}</option>
                {group.types.map((t) => (
                  <option key={t.type} value={t.type}>
                    {t.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">Outcome</span>
          <select
            className="input"
            name="outcome"
            value={filters.outcome}
            onChange={(event) => change({ outcome: event.target.value })}
          >
            <option value="">Any outcome</option>
            <option value="success">Succeeded</option>
            <option value="failure">Failed</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">From</span>
          <input
            className="input"
            type="date"
            name="from"
            value={filters.from}
            onChange={(event) => change({ from: event.target.value })}
          />
        </label>
        <label className="field">
          <span className="field__label">To</span>
          <input
            className="input"
            type="date"
            name="to"
            value={filters.to}
            onChange={(event) => change({ to: event.target.value })}
          />
        </label>
        <div className="activity-log__tools">
          {filters.user && (
            <span className="activity-log__chip">
              User: {filters.user.username}
              <button type="button" className="button button--link" onClick={() => change({ user: null })}>
                Show all users
              </button>
            </span>
          )}
          {filtered && (
            <button type="button" className="button button--link" onClick={() => change(NO_FILTERS)}>
              Clear Filters
            </button>
          )}
          {exportUrl !== null && (
            <a className="button button--secondary" href={exportUrl} download data-testid="download-csv">
              Download CSV
            </a>
          )}
        </div>
      </form>

      {page.status === 'error' && <FormAlert message={page.message} />}
      {page.status === 'loading' && <p className="muted activity-log__status">Loading activity…</p>}
      {page.status === 'ready' && page.value.items.length === 0 && (
        <p className="empty-state activity-log__status" data-testid="activity-empty">
          {filtered || cursor
            ? 'No activity matches these filters. Change or clear the filters to see more.'
            : 'Sign-ins, sign-outs, password and two-factor changes and other security events will appear here as they happen.'}
        </p>
      )}
      {page.status === 'ready' && page.value.items.length > 0 && (
        // Focusable, so a keyboard can scroll the table sideways on a phone (axe scrollable-region-focusable).
        <div className="activity-log__scroll" tabIndex={0} role="region" aria-label="Activity log entries">
          <table className="activity-log__table">
            <thead>
              <tr>
                <th scope="col">Date and Time</th>
                <th scope="col">User</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">IP Address</th>
                <th scope="col">Web Browser</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.value.items.map((event) => (
                <EventRow
                  key={event.id}
                  event={event}
                  label={labels.get(event.type) ?? event.type}
                  timeZone={timeZone}
                  onUser={source.kind === 'practice' ? (user) => change({ user }) : undefined}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="activity-log__paging" aria-label="Activity log pages">
        <button
          type="button"
          className="button button--secondary"
          disabled={cursors.length === 1}
          onClick={() => setCursors((current) => current.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={page.status !== 'ready' || page.value.nextCursor === null}
          onClick={() => {
            if (page.status === 'ready' && page.value.nextCursor)
              setCursors((current) => [...current, page.value.nextCursor ?? '']);
          }}
        >
          Older
        </button>
      </nav>
    </section>
  );
}

interface EventRowProps {
  event: ActivityEvent;
  label: string;
  timeZone: string | undefined;
  onUser: ((user: { id: string; username: string }) => void) | undefined;
}

function EventRow({ event, label, timeZone, onUser }: EventRowProps) {
  const name = (user: { id: string; username: string }) =>
    onUser ? (
      <button type="button" className="button button--link" onClick={() => onUser(user)}>
        {user.username}
      </button>
    ) : (
      user.username
    );
  const details = Object.entries(event.details);
  return (
    <tr data-testid="activity-row" data-type={event.type}>
      <td className="numeric">
        <time dateTime={event.at}>{formatDateTime(event.at, timeZone)}</time>
      </td>
      <td>
        {event.actor && name(event.actor)}
        {event.actor && event.target && event.target.id !== event.actor.id && (
          <span className="activity-log__target"> → {name(event.target)}</span>
        )}
        {!event.actor && event.target && name(event.target)}
        {!event.actor && !event.target && <span className="muted">—</span>}
      </td>
      <td>{label}</td>
      <td>
        <span className={event.outcome === 'success' ? 'badge badge--on' : 'badge badge--off'}>
          {event.outcome === 'success' ? 'Succeeded' : 'Failed'}
        </span>
      </td>
      <td className="numeric">{event.ip}</td>
      <td title={event.userAgent}>{event.browser}</td>
      <td>
        {details.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <ul className="activity-log__details">
            {details.map(([key, value]) => (
              <li key={key}>
                {readable(key)}: {readable(value)}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
