#!/usr/bin/env node
/**
 * `npm run test:oc-ui`: SURF's orchestrator-ui against Baton, from nothing but this repository.
 *   1. `npm ci` in compat/orchestrator-ui (its own package-lock.json; Baton's root install never
 *      touches it), about 650 MB;
 *   2. `next build` of that application;
 *   3. the browser test (jest.oc-ui.config.js): Baton as `npm start` runs it, the UI's
 *      `next start`, an authenticating proxy in front, headless Chromium.
 * Prints each phase and its time; any failing phase stops the run with its exit code.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const UI_DIR = path.join(ROOT, 'compat', 'orchestrator-ui');
const began = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(0)} s`;
const say = (line) => console.log(`[oc-ui ${seconds(began)}] ${line}`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const phase = (title, command, args, cwd, env = {}) =>
  new Promise((resolve, reject) => {
    const started = Date.now();
    say(`${title}: $ ${[command, ...args].join(' ')}   (in ${path.relative(ROOT, cwd) || '.'})`);
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) {
        say(`${title}: done in ${seconds(started)}`);
        resolve();
      } else {
        reject(
          new Error(`${title} failed (${signal ?? `exit code ${code}`}) after ${seconds(started)}`),
        );
      }
    });
  });

try {
  await phase('install orchestrator-ui', npm, ['ci', '--no-audit', '--no-fund'], UI_DIR);
  await phase('build orchestrator-ui', npm, ['run', 'build'], UI_DIR);
  await phase(
    'browser test',
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--config',
      'jest.oc-ui.config.js',
      '--runInBand',
    ],
    ROOT,
  );
  say(`passed; screenshots in test-artifacts/oc-ui-*.png; total ${seconds(began)}`);
} catch (error) {
  console.error(`[oc-ui ${seconds(began)}] FAILED: ${error.message}`);
  process.exit(1);
}
