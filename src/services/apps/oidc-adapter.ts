import type { Adapter, AdapterPayload } from 'oidc-provider';
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
    consume: (id) => consumePayload(store.db, model, id, clock.now()),
    destroy: (id) => destroyPayload(store.db, model, id),
    revokeByGrantId: (grantId) => destroyGrantPayloads(store.db, grantId),
  };
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
