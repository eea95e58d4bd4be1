import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Store } from '../../store/database.js';
import {
  consumePayload,
  destroyGrantPayloads,
  destroyPayload,
  findPayload,
  upsertPayload,
} from '../../store/oidc-payload-store.js';
import type { Clock } from '../context.js';
import { clientMetadataOf } from './oidc-clients.js';

/**
 * The provider's storage (oidc-provider's Adapter) over our store, so sessions, interactions,
 * grants, codes and tokens live in SQLite or PostgreSQL, shared by every instance of one
 * database. Clients are not stored here: the `Client` model reads the practice's apps
 * (services/apps/oidc-clients.ts). Expired rows are deleted by the scheduled purge.
 */
export function oidcAdapterFactory(store: Store, clock: Clock): (model: string) => Adapter {
  return (model) => (model === 'Client' ? clientAdapter(store) : payloadAdapter(store, clock, model));
}

function payloadAdapter(store: Store, clock: Clock, model: string): Adapter {
  const find = async (by: 'id' | 'uid' | 'user_code', value: string) => {
    const found = await findPayload(store.db, model, by, value);
    if (!found) return undefined;
    const consumed = found.consumedAt === null ? {} : { consumed: Math.floor(found.consumedAt / 1000) };
    return { ...found.payload, ...consumed } as AdapterPayload;
  };
  return {
    async upsert(id, payload, expiresIn) {
      await upsertPayload(store.db, {
        model,
        id,
        payload: payload as Record<string, unknown>,
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        accountId: payload.accountId ?? null,
        expiresAt: expiresIn ? clock.now() + expiresIn * 1000 : null,
      });
    },
    find: (id) => find('id', id),
    findByUid: (uid) => find('uid', uid),
    findByUserCode: (userCode) => find('user_code', userCode),
    async consume(id) {
      if (await consumePayload(store.db, model, id, clock.now())) return;
      // Another request used this code or refresh token between the provider's read and now.
      // Answer as the provider does when it reads one used (oidc-provider's consumeGrantSource):
      // revoke the grant, so the tokens the first request got stop working, and refuse this one.
      const grantId = (await findPayload(store.db, model, 'id', id))?.payload.grantId;
      if (typeof grantId === 'string') await revokeGrant(store, grantId);
      throw new errors.InvalidGrant(`${model} already used`);
    },
    destroy: (id) => destroyPayload(store.db, model, id),
    revokeByGrantId: (grantId) => destroyGrantPayloads(store.db, grantId),
  };
}

/** The grant and every token and code issued under it. */
async function revokeGrant(store: Store, grantId: string): Promise<void> {
  await destroyGrantPayloads(store.db, grantId);
  await destroyPayload(store.db, 'Grant', grantId);
}

function clientAdapter(store: Store): Adapter {
  const readOnly = () => Promise.reject(new Error('apps are changed through /api/practice/apps only'));
  return {
    find: (clientId) => clientMetadataOf(store, clientId),
    upsert: readOnly,
    findByUid: readOnly,
    findByUserCode: readOnly,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: readOnly,
  };
}
