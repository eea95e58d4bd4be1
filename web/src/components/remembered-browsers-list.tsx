import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api.js';
import { formatDate } from '../lib/format.js';
import { twoFactorApi, type RememberedBrowser } from '../two-factor-api.js';
import { FormAlert } from './form-alert.js';

/** Browsers that skip the second factor until they expire, each with a Forget button. */
export function RememberedBrowsersList() {
  const [items, setItems] = useState<RememberedBrowser[]>([]);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setItems((await twoFactorApi.rememberedBrowsers()).items);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }, []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
  }, [reload]);

  async function forget(id: string) {
    try {
      await twoFactorApi.forgetBrowser(id);
      await reload();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }

  if (items.length === 0 && error === null) return null;
  return (
    <div className="two-factor__list" data-testid="remembered-browsers">
      <h4 className="two-factor__list-title">Remembered Browsers</h4>
      <FormAlert message={error} />
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            <span>
              {item.browser} · {item.ip} · until {formatDate(item.expiresAt)}
            </span>
            <button type="button" className="button button--link" onClick={() => void forget(item.id)}>
              Forget
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
