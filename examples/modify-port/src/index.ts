/**
 * What this project gives Baton: its workflows. `baton start --workflows <this module>` and
 * `BatonModule.forRoot({ workflows })` both take this list.
 */
import { modifyPort } from './modify-port';

export const workflows = [modifyPort];
