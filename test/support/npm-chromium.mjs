#!/usr/bin/env node
/**
 * The browser that ships inside the npm package @sparticuz/chromium (a devDependency), for
 * machines without a system Chromium. The package is ES modules only, so the CommonJS tests run
 * this file in a child process. It unpacks the browser and its fonts once into a cache folder
 * under node_modules (unpacking into a private folder first and renaming it, so two test runs
 * never see a half-written binary), then prints a JSON line:
 *   {"executablePath": "...", "fontconfigPath": "...", "args": [...]}
 * With --path it prints the executable's path only (for BROWSER_PATH in shell scripts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const packageDir = path.join(root, 'node_modules', '@sparticuz', 'chromium');
const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
const cache = path.join(root, 'node_modules', '.cache', 'baton-test-chromium');
const target = path.join(cache, version);

if (!existsSync(path.join(target, 'chromium'))) {
  const staging = path.join(cache, `unpacking-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  // The package unpacks into os.tmpdir(), which Node reads from TMPDIR.
  process.env.TMPDIR = staging;
  const { inflate } = await import('@sparticuz/chromium');
  const bin = path.join(packageDir, 'bin');
  await Promise.all(
    ['chromium.br', 'fonts.tar.br', 'swiftshader.tar.br'].map((f) => inflate(path.join(bin, f))),
  );
  // The package's fonts.conf names Lambda's folders (/tmp/fonts); point fontconfig at the fonts as
  // unpacked here, and at the system's if it has any, so screenshots show legible text.
  writeFileSync(path.join(staging, 'fonts', 'fonts.conf'), fontsConf(path.join(target, 'fonts')));
  try {
    renameSync(staging, target);
  } catch {
    // Another run got there first: use its copy.
    rmSync(staging, { recursive: true, force: true });
  }
}

function fontsConf(dir) {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${dir}/fonts</dir>
  <dir>/usr/share/fonts</dir>
  <cachedir>${dir}/cache</cachedir>
  <alias><family>monospace</family><prefer><family>DejaVu Sans Mono</family><family>Liberation Mono</family></prefer></alias>
  <alias><family>sans-serif</family><prefer><family>Open Sans</family></prefer></alias>
</fontconfig>
`;
}

// The package's flags are made for AWS Lambda and include ones that switch web security off
// (CORS, mixed content), which a test of the UI must keep on; these are the ones it needs to run
// here: no sandbox (tests run as root) and software GL from the unpacked SwiftShader. (Its
// --single-process flag would make closing one page end the whole browser.)
const args = ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader'];
const executablePath = path.join(target, 'chromium');
if (process.argv.includes('--path')) process.stdout.write(`${executablePath}\n`);
else
  process.stdout.write(
    `${JSON.stringify({ executablePath, fontconfigPath: path.join(target, 'fonts'), args })}\n`,
  );
