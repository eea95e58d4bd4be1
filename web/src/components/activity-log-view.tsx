import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { navigate, useLocation } from '../lib/router.js';
import { useLoader } from '../lib/use-loader.js';
import type { ActivityEvent, ActivityPage, EventTypeGroup } from '../types.js';
import { FormAlert } from './form-alert.js';

/** Whose events a log shows, and so which endpoint it reads. */
export type ActivitySource = { kind: 'me' } | { kind: 'staff'; userId: string } | { kind: 'practice' };

/**
 * The log's filters, search and page, all kept in the page's URL so a reload, the Back button
 * or a shared link shows the same view: `type`, `outcome`, `from`, `to`, `user` and `userName`
 * (practice log: one user's events), `q` (search words, answered by the server over the whole
 * log), `views=show` (include the log's own views)
 * and `pages` (the cursors of the pages paged through, comma-separated; empty = newest page).
 */
const FILTER_KEYS = ['type', 'outcome', 'from', 'to', 'user', 'userName', 'q', 'views'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = Record<FilterKey, string>;
const PAGE_SIZE = 50;
/** How long typing pauses before the search is sent. */
const SEARCH_PAUSE_MS = 300;

function filtersOf(search: URLSearchParams): Filters {
  return Object.fromEntries(FILTER_KEYS.map((key) => [key, search.get(key) ?? ''])) as Filters;
}

function basePath(source: ActivitySource): string {
  if (source.kind === 'me') return '/api/me/activity';
  if (source.kind === 'staff') return `/api/staff/${encodeURIComponent(source.userId)}/activity`;
  return '/api/activity';
}

/** The API query of the filters (the page and the export alike). */
function query(filters: Filters, source: ActivitySource): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['type', 'outcome', 'from', 'to', 'q'] as const)
    if (filters[key].trim()) params.set(key, filters[key].trim());
  if (source.kind === 'practice' && filters.user) params.set('user', filters.user);
  return params;
}

/**
 * The activity log as a table: filters (action type, outcome, dates, and on the practice log
 * the user), a search of the whole log, totals of every page, newest first, 50 a page with Newer/Older,
 * and a CSV download of the same filters. The log's own views are left out unless asked for.
 */
export function ActivityLogView({ source }: { source: ActivitySource }) {
  const location = useLocation();
  const filters = filtersOf(location.search);
  const cursors = (location.search.get('pages') ?? '').split(',').filter((cursor) => cursor !== '');
  const [types] = useLoader(() => api.eventTypes(), 'event-types');

  const cursor = cursors.at(-1) ?? '';
  const pageParams = query(filters, source);
  pageParams.set('limit', String(PAGE_SIZE));
  pageParams.set('totals', 'show');
  if (filters.views !== 'show') pageParams.set('views', 'hide');
  if (cursor) pageParams.set('cursor', cursor);
  const path = `${basePath(source)}?${pageParams.toString()}`;
  const [page] = useLoader<ActivityPage>(() => api.activity(path), path);

  // One user's log exports as the practice export filtered to that user.
  const exportParams = query(filters, source);
  if (source.kind === 'staff') exportParams.set('user', source.userId);
  const exportUrl = source.kind === 'me' ? null : `/api/activity/export.csv?${exportParams.toString()}`;
  const filtered = FILTER_KEYS.some((key) => key !== 'views' && filters[key] !== '');

  function show(next: Partial<Filters>, nextCursors: readonly string[] = []) {
    const params = new URLSearchParams();
    const merged = { ...filters, ...next };
    for (const key of FILTER_KEYS) if (merged[key]) params.set(key, merged[key]);
    if (nextCursors.length > 0) params.set('pages', nextCursors.join(','));
    const search = params.toString();
    navigate(`${location.pathname}${search ? `?${search}` : ''}`, { replace: true });
  }
  const change = (next: Partial<Filters>) => show(next);
  // The search box shows what is typed; the URL (and so the query) follows once typing pauses.
  // What is typed belongs to the search it was typed over: Clear Filters or Back shows the URL's.
  const [draft, setDraft] = useState<{ over: string; text: string } | null>(null);
  const typed = draft !== null && draft.over === filters.q ? draft.text : filters.q;
  useEffect(() => {
    if (typed === filters.q) return undefined;
    const timer = setTimeout(() => change({ q: typed }), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  });
  const visible = page.status === 'ready' ? page.value.items : [];

  const groups: EventTypeGroup[] = types.status === 'ready' ? types.value.groups : [];

  return (
    <section className="card activity-log" aria-label="Activity log" data-testid="activity-log">
      <form
        className="activity-log__filters"
        onSubmit={(event) => {
          event.preventDefault();
          if (typed !== filters.q) change({ q: typed });
        }}
      >
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
        <label className="field activity-log__search">
          <span className="field__label">Search</span>
          <input
            className="input"
            type="search"
            name="q"
            value={typed}
            placeholder="User name, IP address, action…"
            onChange={(event) => setDraft({ over: filters.q, text: event.target.value })}
          />
        </label>
        <label className="checkbox activity-log__views">
          <input
            type="checkbox"
            checked={filters.views === 'show'}
            onChange={(event) => change({ views: event.target.checked ? 'show' : '' })}
          />
          Show when the log was viewed
        </label>
        <div className="activity-log__tools">
          {filters.user && (
            <span className="activity-log__chip">
              User: {filters.userName || filters.user}
              <button
                type="button"
                className="button button--link"
                onClick={() => change({ user: '', userName: '' })}
              >
                Show All Users
              </button>
            </span>
          )}
          {filtered && (
            <button type="button" className="button button--link" onClick={() => show({ ...EMPTY_FILTERS })}>
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
      {page.status === 'ready' && (
        <p className="activity-log__totals" role="status" data-testid="activity-totals">
          {totalsText(page.value.totals, cursors.length + 1)}
        </p>
      )}
      {page.status === 'ready' && visible.length === 0 && (
        <p className="empty-state activity-log__status" data-testid="activity-empty">
          {filtered || cursor
            ? 'No activity matches these filters. Change or clear the filters to see more.'
            : 'Logins, logouts, password and two-factor changes and other security events will appear here as they happen.'}
        </p>
      )}
      {page.status === 'ready' && visible.length > 0 && (
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
              {visible.map((event) => (
                <EventRow
                  key={event.id}
                  event={event}
                  onUser={
                    source.kind === 'practice'
                      ? (user) => change({ user: user.id, userName: user.username })
                      : undefined
                  }
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
          disabled={cursors.length === 0}
          onClick={() => show({}, cursors.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={page.status !== 'ready' || page.value.nextCursor === null}
          onClick={() => {
            if (page.status === 'ready' && page.value.nextCursor)
              show({}, [...cursors, page.value.nextCursor]);
          }}
        >
          Older
        </button>
      </nav>
    </section>
  );
}

const EMPTY_FILTERS: Filters = Object.fromEntries(FILTER_KEYS.map((key) => [key, ''])) as Filters;

/** "Page 2 of 3: 120 events, 4 failed.": the totals of every page, counted by the server up to its cap. */
function totalsText(totals: ActivityPage['totals'], pageNumber: number): string {
  if (!totals) return `Page ${pageNumber}.`;
  const count = (n: number) => n.toLocaleString('en-US');
  if (totals.capped) {
    const failures =
      totals.failures === totals.events ? `more than ${count(totals.failures)}` : count(totals.failures);
    return `Page ${pageNumber}: more than ${count(totals.events)} events, ${failures} failed.`;
  }
  const pages = Math.max(1, Math.ceil(totals.events / PAGE_SIZE));
  const events = `${count(totals.events)} ${totals.events === 1 ? 'event' : 'events'}`;
  return `Page ${pageNumber} of ${pages}: ${events}, ${count(totals.failures)} failed.`;
}

interface EventRowProps {
  event: ActivityEvent;
  onUser: ((user: { id: string; username: string }) => void) | undefined;
}

function EventRow({ event, onUser }: EventRowProps) {
  const name = (user: { id: string; username: string }) =>
    onUser ? (
      <button type="button" className="button button--link" onClick={() => onUser(user)}>
        {user.username}
      </button>
    ) : (
      user.username
    );
  return (
    <tr data-testid="activity-row" data-type={event.type}>
      <td className="numeric">
        <time dateTime={event.at}>{event.localTime}</time>
      </td>
      <td>
        {event.actor && name(event.actor)}
        {event.actor && event.target && event.target.id !== event.actor.id && (
          <span className="activity-log__target"> → {name(event.target)}</span>
        )}
        {!event.actor && event.target && name(event.target)}
        {!event.actor && !event.target && <span className="muted">—</span>}
      </td>
      <td>{event.name}</td>
      <td>
        <span className={event.outcome === 'success' ? 'badge badge--on' : 'badge badge--off'}>
          {event.outcome === 'success' ? 'Succeeded' : 'Failed'}
        </span>
      </td>
      <td className="numeric">{event.ip}</td>
      <td title={event.userAgent}>{event.browser}</td>
      <td>{event.summary === '' ? <span className="muted">—</span> : event.summary}</td>
    </tr>
  );
}
