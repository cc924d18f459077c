/**
 * Lua scripts shared by everything in Redis that has a holder (locks, claims, leases): act on
 * KEYS[1] only while its value is still the holder's token ARGV[1], since an expired key may
 * already be someone else's. No imports, so loading it costs nothing in embedded mode.
 */

/** Delete KEYS[1] if ARGV[1] holds it. */
export const RELEASE_IF_HOLDER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Set KEYS[1]'s expiry to ARGV[2] ms if ARGV[1] holds it. */
export const EXTEND_IF_HOLDER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
