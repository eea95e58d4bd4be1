import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { FormAlert } from '../components/form-alert.js';
import { SettingsSavedNotice } from '../components/notice.js';
import { useLoader } from '../lib/use-loader.js';
import { usePageTitle } from '../lib/use-page-title.js';
import type { IpAllowListEntry, SecuritySettings } from '../types.js';

/**
 * Settings > Security > Computer Access Settings: the practice's IP allow-list. Named entries,
 * each a single address or a CIDR range (IPv4 or IPv6). The server validates the entries and
 * is the authority; Practice Administrators are always exempt, so nobody locks the practice out.
 */
type Load =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; settings: SecuritySettings };

const EMPTY_ENTRY: IpAllowListEntry = { name: '', cidr: '' };

export function ComputerAccessSettingsPage() {
  usePageTitle('Computer Access Settings');
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [enabled, setEnabled] = useState(false);
  const [entries, setEntries] = useState<IpAllowListEntry[]>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [yourAddress] = useLoader(() => api.yourAddress(), 'your-address');

  useEffect(() => {
    let active = true;
    api.securitySettings().then(
      (settings) => {
        if (!active) return;
        setLoad({ status: 'ready', settings });
        setEnabled(settings.ipAllowList.enabled);
        setEntries(settings.ipAllowList.entries);
      },
      (caught: unknown) => {
        if (active)
          setLoad({
            status: 'error',
            message: caught instanceof ApiError ? caught.message : 'The settings could not be loaded.',
          });
      },
    );
    return () => {
      active = false;
    };
  }, []);

  function updateEntry(index: number, change: Partial<IpAllowListEntry>) {
    setSaved(false);
    setEntries((current) => current.map((entry, i) => (i === index ? { ...entry, ...change } : entry)));
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (load.status !== 'ready') return;
    setError(null);
    setSaved(false);
    const cleaned = entries
      .map((entry) => ({ name: entry.name.trim(), cidr: entry.cidr.trim() }))
      .filter((entry) => entry.name !== '' || entry.cidr !== '');
    if (cleaned.some((entry) => entry.name === '' || entry.cidr === '')) {
      setError('Give every entry both a name and an IP address or range.');
      return;
    }
    if (enabled && cleaned.length === 0) {
      setError('Add at least one address or range before turning the allow-list on.');
      return;
    }
    setSaving(true);
    try {
      const settings = await api.saveSecuritySettings({
        ...load.settings,
        ipAllowList: { enabled, entries: cleaned },
      });
      setLoad({ status: 'ready', settings });
      setEntries(settings.ipAllowList.entries);
      setSaved(true);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The settings could not be saved. Try again.');
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="page">
      <header className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          Computer Access Settings
        </h1>
      </header>
      <section className="card access-settings" aria-label="Computer Access Settings">
        <p className="muted">
          Allow staff to log in only from your practice’s networks. Users are checked after they enter a
          correct password. Practice Administrators can always log in, from anywhere.
        </p>
        {load.status === 'loading' && <p className="muted">Loading…</p>}
        {load.status === 'error' && <FormAlert message={load.message} />}
        {load.status === 'ready' && (
          <form onSubmit={(event) => void handleSubmit(event)} noValidate>
            <FormAlert message={error} />
            {saved && <SettingsSavedNotice />}
            <label className="checkbox">
              <input
                type="checkbox"
                checked={enabled}
                onChange={(event) => {
                  setSaved(false);
                  setEnabled(event.target.checked);
                }}
              />
              Only allow login from the addresses below
            </label>
            {yourAddress.status === 'ready' && (
              <p className="access-settings__yours" data-testid="your-address">
                This computer’s address, as Gatehouse sees it:{' '}
                <strong className="numeric">{yourAddress.value.ip}</strong>
                {!entries.some((entry) => entry.cidr.trim() === yourAddress.value.ip) && (
                  <button
                    type="button"
                    className="button button--link"
                    onClick={() => {
                      setSaved(false);
                      setEntries((current) => [
                        ...current,
                        { name: 'This computer', cidr: yourAddress.value.ip },
                      ]);
                    }}
                  >
                    Add This Address
                  </button>
                )}
              </p>
            )}
            {entries.length === 0 && (
              <p className="empty-state" data-testid="access-empty">
                No addresses yet: while the list is empty, staff can log in from anywhere. Add your office’s
                network to begin.
              </p>
            )}
            <table className="access-list" hidden={entries.length === 0}>
              <caption className="muted">
                A single address (203.0.113.7) or a range in CIDR form (203.0.113.0/24, 2001:db8::/48).
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">IP address or range</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry, index) => (
                  <tr key={index}>
                    <td>
                      <input
                        className="input"
                        aria-label={`Name of entry ${index + 1}`}
                        maxLength={100}
                        value={entry.name}
                        onChange={(event) => updateEntry(index, { name: event.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        className="input"
                        aria-label={`IP address or range of entry ${index + 1}`}
                        maxLength={64}
                        spellCheck={false}
                        autoCapitalize="off"
                        value={entry.cidr}
                        onChange={(event) => updateEntry(index, { cidr: event.target.value })}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--link"
                        onClick={() => {
                          setSaved(false);
                          setEntries((current) => current.filter((_, i) => i !== index));
                        }}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="access-settings__actions">
              <button
                type="button"
                className="button button--secondary"
                onClick={() => setEntries((current) => [...current, EMPTY_ENTRY])}
              >
                Add Address
              </button>
              <button type="submit" className="button button--primary" disabled={saving}>
                {saving ? 'Saving…' : 'Save'}
              </button>
            </div>
          </form>
        )}
      </section>
    </div>
  );
}
