/**
 * OC gives every workflow and every executed step a UUID; Baton names workflows and numbers
 * steps. These ids are derived (name-based, UUID v5 layout over SHA-1), so the same step or
 * workflow has the same id on every read and every instance, and nothing new is stored.
 */
import { createHash } from 'node:crypto';

const NAMESPACE = 'baton.oc-compat';

export const derivedUuid = (...parts: Array<string | number>): string => {
  const hash = createHash('sha1')
    .update([NAMESPACE, ...parts].join('\u0000'))
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

export const workflowIdOf = (workflow: string): string => derivedUuid('workflow', workflow);
