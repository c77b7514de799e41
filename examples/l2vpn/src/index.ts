/**
 * What this project gives Baton: its workflows. `baton start --workflows <this module>` and
 * `BatonModule.forRoot({ workflows })` both take this list.
 */
import { createL2vpn } from './create-l2vpn';

export const workflows = [createL2vpn];
