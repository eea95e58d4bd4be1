import type { Executor } from './handle.js';

/**
 * Records that a user signed in from a device (its hash, domain/known-device.ts) and says what
 * was known before: whether this device was, and whether the user had any device at all.
 */
export async function rememberDevice(
  db: Executor,
  device: { readonly userId: string; readonly hash: string; readonly at: number },
): Promise<{ readonly known: boolean; readonly firstDevice: boolean }> {
  const seen = await db
    .selectFrom('known_devices')
    .select('device_hash')
    .where('user_id', '=', device.userId)
    .execute();
  await db
    .insertInto('known_devices')
    .values({
      user_id: device.userId,
      device_hash: device.hash,
      first_seen_at: device.at,
      last_seen_at: device.at,
    })
    .onConflict((oc) => oc.columns(['user_id', 'device_hash']).doUpdateSet({ last_seen_at: device.at }))
    .execute();
  return {
    known: seen.some((row) => row.device_hash === device.hash),
    firstDevice: seen.length === 0,
  };
}
