/**
 * The shape of the ids Baton hands out (process, event and subscription ids). Checked before a
 * lookup so a malformed id is simply unknown (PostgreSQL would refuse the uuid cast) or a 400.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);
