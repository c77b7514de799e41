#!/usr/bin/env node
/**
 * `npm run test:package`: Baton as a team gets it. Packs the package (npm pack builds it), then
 * in a fresh folder outside the repository, with nothing from the repository's node_modules:
 *   1. `baton init` from the tarball, `npm install`, the scaffold's `npm test` passes;
 *   2. the scaffold's `npm start` serves and one process of its workflow runs end to end over
 *      HTTP: start, the runner request (a fake runner here), callback to the URL it issued,
 *      confirm, completed;
 *   3. a plain NestJS application importing BatonModule.forRoot with a workflow of its own runs
 *      the same scenario, and the application's own route still answers.
 * Prints the tarball's size and file count and the time from `baton init` to a completed
 * process. Plain Node (no dependencies), so it runs before and apart from everything else.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const began = Date.now();
const elapsed = () => `${((Date.now() - began) / 1000).toFixed(0)} s`;
const say = (line) => console.log(`[package ${elapsed()}] ${line}`);
const fail = (message) => {
  throw new Error(message);
};

/** Runs a command to its end, its output shown as it comes, a heartbeat while it is quiet. */
const run = (command, args, { cwd, env = {}, quiet = false, stdoutOnly = false } = {}) =>
  new Promise((resolve, reject) => {
    const started = Date.now();
    say(`$ ${[command, ...args].join(' ')}   (in ${cwd})`);
    const child = spawn(command, args, {
      cwd,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    let lastOutput = Date.now();
    const show = (chunk) => {
      output += chunk;
      lastOutput = Date.now();
      if (!quiet) process.stdout.write(chunk.toString().replace(/^(?=.)/gm, '    '));
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      show(chunk);
    });
    child.stderr.on('data', show);
    const heartbeat = setInterval(() => {
      if (Date.now() - lastOutput > 15_000)
        say(`  … ${command} ${args[0] ?? ''} still running (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }, 15_000);
    child.on('exit', (code) => {
      clearInterval(heartbeat);
      if (code === 0) resolve(stdoutOnly ? stdout : output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });

/** The environment without anything that would point npm or Node back into the repository. */
const cleanEnv = () => {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('npm_') || key === 'NODE_PATH' || key === 'INIT_CWD') delete env[key];
  return env;
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fake LSO-compatible runner: answers 201 and hands the test every request it gets. */
const startFakeRunner = async () => {
  const requests = [];
  const waiting = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const request = { method: req.method, url: req.url, body: JSON.parse(body || '{}') };
      requests.push(request);
      waiting.splice(0).forEach((w) => w());
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ job_id: `job-${requests.length}` }));
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    next: async (index, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (requests.length <= index) {
        if (Date.now() > deadline) fail('the workflow never called the runner');
        await new Promise((r) => {
          waiting.push(r);
          setTimeout(r, 500);
        });
      }
      return requests[index];
    },
    close: () => new Promise((r) => server.close(r)),
  };
};

const KEY = `baton_${randomBytes(32).toString('base64url')}`;
const API_KEYS = `package-test:admin:${createHash('sha256').update(KEY).digest('hex')}`;

const call = async (base, method, route, body, { key = KEY } = {}) => {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
};

const waitHealthy = async (base, child, output, timeoutMs = 240_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) fail(`the service exited during start-up:\n${output()}`);
    if (Date.now() > deadline) fail(`the service was not healthy within ${timeoutMs} ms:\n${output()}`);
    const ok = await call(base, 'GET', '/health', undefined, { key: null })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await sleep(500);
  }
};

const waitStatus = async (base, id, wanted, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await call(base, 'GET', `/api/processes/${id}`);
    if (status === 200 && body.status === wanted) return body;
    if (status === 200 && ['failed', 'aborted'].includes(body.status))
      fail(`process ${id} is ${body.status}: ${JSON.stringify(body.failedReason ?? body)}`);
    if (Date.now() > deadline) fail(`process ${id} never became ${wanted} (last: ${JSON.stringify(body)})`);
    await sleep(250);
  }
};

/** start → runner request → callback to the URL it issued → confirm → completed. */
const scenario = async (base, runner, workflow, input) => {
  const started = await call(base, 'POST', `/api/processes/${workflow}`, input);
  if (started.status !== 201) fail(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
  const id = started.body.id;
  say(`  started ${workflow} process ${id}`);
  const request = await runner.next(runner.seen);
  runner.seen += 1;
  const callbackUrl = request.body.callback;
  if (typeof callbackUrl !== 'string' || !callbackUrl.startsWith(`${base}/api/processes/${id}/callback/`))
    fail(`the runner request carried no callback URL of this process: ${JSON.stringify(request.body)}`);
  say(`  the runner got ${request.method} ${request.url}; calling back`);
  const answer = await fetch(callbackUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ job_id: 'job-1', output: 'all good', return_code: 0, status: 'successful' }),
  });
  const answered = await answer.json();
  if (answer.status !== 200 || answered.status !== 'accepted')
    fail(`the callback answered ${answer.status} ${JSON.stringify(answered)}`);
  const suspended = await waitStatus(base, id, 'suspended');
  say(`  callback accepted; confirming "${suspended.form?.title ?? 'the form'}"`);
  const confirmed = await call(base, 'PUT', `/api/processes/${id}/resume`, {});
  if (confirmed.status !== 204) fail(`resume answered ${confirmed.status}: ${JSON.stringify(confirmed.body)}`);
  await waitStatus(base, id, 'completed');
  say(`  process ${id} completed`);
  return id;
};

/** Starts a long-running command in its own process group; `stop()` ends the whole group. */
const startService = (command, args, { cwd, env }) => {
  say(`$ ${[command, ...args].join(' ')}   (in ${cwd}, in the background)`);
  let output = '';
  const child = spawn(command, args, {
    cwd,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

const serviceEnv = async (dir) => {
  const port = await freePort();
  return {
    port,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: path.join(dir, 'data'),
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      API_KEYS,
      RUNNER_SIMULATOR: 'off',
      LOG_LEVEL: 'warn',
    },
  };
};

const NEST_APP_PACKAGE = (tarball, own) => ({
  name: 'plain-nest-app',
  version: '0.0.0',
  private: true,
  scripts: { build: 'tsc -p tsconfig.json', start: 'node dist/main.js' },
  dependencies: {
    'baton-orchestrator': `file:${tarball}`,
    '@nestjs/common': own.dependencies['@nestjs/common'],
    '@nestjs/core': own.dependencies['@nestjs/core'],
    '@nestjs/platform-express': own.dependencies['@nestjs/platform-express'],
    'class-validator': own.dependencies['class-validator'],
    'reflect-metadata': own.dependencies['reflect-metadata'],
    rxjs: own.dependencies.rxjs,
  },
  devDependencies: { typescript: own.devDependencies.typescript, '@types/node': own.devDependencies['@types/node'] },
  allowScripts: own.allowScripts,
});

const NEST_APP_MAIN = `import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsOptional, IsString } from 'class-validator';
import { BatonModule, callbackInteraction, inputStep, ProcessFailureError, step, workflow } from 'baton-orchestrator';

class Acknowledge {
  @IsOptional() @IsString() note?: string;
}

const askRunner = step('Ask the runner', async (_state, ctx) => {
  await ctx.http.post(\`\${ctx.settings.ANSIBLE_PROXY_URL}/api/playbook/\`, {
    playbook_name: 'check.yml', inventory: 'lab', extra_vars: {}, callback: ctx.callbackUrl,
  });
});
const checked = step('Check the answer', (state) => {
  const result = state.callback_result as { return_code?: number };
  if (result.return_code !== 0) throw new ProcessFailureError('runner failed', result);
  return {};
});
const acknowledge = inputStep('Acknowledge', { assignee: 'NOC' }, () => ({ title: 'Acknowledge', form: Acknowledge }));

const customCheck = workflow({
  name: 'custom_check',
  description: 'A workflow the application defines itself',
  target: 'SYSTEM',
  steps: [callbackInteraction(askRunner, { validate: checked, confirm: acknowledge })],
});

@Controller('hello')
class HelloController {
  @Get()
  hello() {
    return { hello: 'from the application' };
  }
}

@Module({
  imports: [BatonModule.forRoot({ workflows: [customCheck] })],
  controllers: [HelloController],
})
class AppModule {}

const main = async () => {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  console.log('plain Nest app listening');
};
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

const NEST_APP_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'commonjs', strict: true, experimentalDecorators: true,
    emitDecoratorMetadata: true, esModuleInterop: true, skipLibCheck: true, rootDir: 'src',
    outDir: 'dist', types: ['node'],
  },
  include: ['src/**/*.ts'],
};

const main = async () => {
  const own = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const work = mkdtempSync(path.join(os.tmpdir(), 'baton-package-'));
  if (work.startsWith(ROOT)) fail('the work folder must be outside the repository');
  say(`working in ${work}`);
  const services = [];
  const runner = await startFakeRunner();
  runner.seen = 0;
  try {
    // The tarball, as npm publish would make it: built first (what prepack does), then packed
    // without scripts, so that nothing but npm's JSON reaches the answer we parse (the build's
    // own output, vite's and tsc's, holds brackets of its own).
    await run('npm', ['run', 'build'], { cwd: ROOT, quiet: true });
    const packed = JSON.parse(
      await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
        cwd: ROOT,
        quiet: true,
        stdoutOnly: true,
      }),
    )[0];
    const tarball = path.join(work, packed.filename);
    const files = packed.files.map((f) => f.path);
    const unwanted = files.filter((f) => /^(test|bench|src|ui|examples|interop)\//.test(f) || /\.(map|spec\.js)$/.test(f));
    if (unwanted.length > 0) fail(`the tarball holds files it must not: ${unwanted.slice(0, 10).join(', ')}`);
    for (const needed of ['dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/interfaces/cli/baton.main.js', 'dist/ui/index.html'])
      if (!files.includes(needed)) fail(`the tarball lacks ${needed}`);
    say(`tarball ${packed.filename}: ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${packed.entryCount} files`);

    // 1. baton init from the tarball, npm install, npm test.
    const initStarted = Date.now();
    const project = path.join(work, 'our-workflows');
    // --legacy-peer-deps: see the .npmrc baton init writes (@nestjs/apollo's peer conflict).
    await run('npx', ['--yes', '--legacy-peer-deps', `--package=${tarball}`, '--', 'baton', 'init', project, '--baton-spec', tarball], { cwd: work });
    await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: project });
    await run('npm', ['test'], { cwd: project });
    say('1. the scaffold installs and its npm test passes');

    // 2. the scaffold's npm start, one process end to end.
    const scaffold = await serviceEnv(project);
    const service = startService('npm', ['start'], {
      cwd: project,
      env: { ...scaffold.env, ANSIBLE_PROXY_URL: runner.url },
    });
    services.push(service);
    const base = `http://127.0.0.1:${scaffold.port}`;
    await waitHealthy(base, service.child, service.output);
    say(`  the scaffold serves on ${base}`);
    await scenario(base, runner, 'deploy_config', { device: 'ams-r1', config_name: 'ntp' });
    const initToCompleted = (Date.now() - initStarted) / 1000;
    say(`2. the scaffold's workflow ran end to end over HTTP; baton init to completed: ${initToCompleted.toFixed(0)} s`);
    await service.stop();

    // 3. a plain NestJS application with BatonModule.forRoot and a workflow of its own.
    const app = path.join(work, 'plain-nest-app');
    mkdirSync(path.join(app, 'src'), { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify(NEST_APP_PACKAGE(tarball, own), null, 2));
    writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(NEST_APP_TSCONFIG, null, 2));
    writeFileSync(path.join(app, '.npmrc'), 'legacy-peer-deps=true\n');
    writeFileSync(path.join(app, 'src', 'main.ts'), NEST_APP_MAIN);
    await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: app });
    await run('npm', ['run', 'build'], { cwd: app });
    const nest = await serviceEnv(app);
    const nestService = startService('node', ['dist/main.js'], {
      cwd: app,
      env: { ...nest.env, ANSIBLE_PROXY_URL: runner.url },
    });
    services.push(nestService);
    const nestBase = `http://127.0.0.1:${nest.port}`;
    await waitHealthy(nestBase, nestService.child, nestService.output);
    const ownRoute = await call(nestBase, 'GET', '/hello', undefined, { key: null });
    if (ownRoute.status !== 200 || ownRoute.body?.hello !== 'from the application')
      fail(`the application's own route answered ${ownRoute.status} ${JSON.stringify(ownRoute.body)}`);
    const guarded = await call(nestBase, 'GET', '/api/processes', undefined, { key: null });
    if (guarded.status !== 401) fail(`Baton's API answered ${guarded.status} without a key (expected 401)`);
    await scenario(nestBase, runner, 'custom_check', {});
    const again = await call(nestBase, 'GET', '/hello', undefined, { key: null });
    if (again.status !== 200) fail(`the application's own route answered ${again.status} afterwards`);
    say("3. the plain Nest app ran the scenario; its own route answers (200) beside Baton's (401 without a key)");
    await nestService.stop();

    console.log('');
    console.log(`tarball: ${packed.filename}, ${(packed.size / 1024).toFixed(0)} KiB, ${packed.entryCount} files`);
    console.log(`baton init -> completed process: ${initToCompleted.toFixed(0)} s (npm install from the registry included)`);
    console.log(`test:package passed in ${elapsed()}`);
    // The embedded PostgreSQL may still be writing its last files as it exits: retry a little.
    rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
  } catch (error) {
    for (const s of services) {
      await s.stop().catch(() => undefined);
      console.error(`--- service output (last 3000 characters) ---\n${s.output().slice(-3000)}`);
    }
    console.error(`work folder kept for inspection: ${work}`);
    throw error;
  } finally {
    await runner.close();
  }
};

main().catch((error) => {
  console.error(`test:package FAILED: ${error.message}`);
  process.exit(1);
});
