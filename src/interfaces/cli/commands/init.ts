/**
 * `baton init <dir>`: scaffolds a team's project (package.json depending on Baton, tsconfig,
 * one workflow with a callback step and a confirmation, its test on the test kit, a README)
 * that runs with `npm install && npm start` and passes `npm test`.
 */
import { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliContext } from '../cli-context';
import { usageError } from '../exit-codes';
import {
  FORMS_TS,
  GITIGNORE,
  INDEX_TS,
  NPMRC,
  packageJson,
  readme,
  ScaffoldVersions,
  TEST_TS,
  TSCONFIG,
  WORKFLOW_TS,
} from './init-templates';

interface OwnManifest {
  version: string;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

/** Baton's own package.json: the scaffold pins what Baton itself is built and tested with. */
const ownManifest = (): OwnManifest =>
  JSON.parse(
    readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'),
  ) as OwnManifest;

const versions = (batonSpec: string | undefined): ScaffoldVersions => {
  const own = ownManifest();
  const dev = own.devDependencies ?? {};
  return {
    batonSpec: batonSpec ?? `^${own.version}`,
    classValidator: own.dependencies['class-validator'],
    typescript: dev.typescript ?? '~5.9',
    jest: dev.jest ?? '^29.7.0',
    tsJest: dev['ts-jest'] ?? '^29.4.15',
    typesJest: dev['@types/jest'] ?? '^29.5.14',
    typesNode: dev['@types/node'] ?? '^20.19.0',
    allowScripts: own.allowScripts ?? {},
  };
};

/** A tarball or folder given by path is written as an absolute file: spec. */
const asDependencySpec = (spec: string): string =>
  /^(\.{0,2}\/|[A-Za-z]:\\)/.test(spec) || spec.endsWith('.tgz')
    ? `file:${path.resolve(spec)}`
    : spec;

const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export const registerInitCommand = (program: Command): void => {
  program
    .command('init')
    .description('Create a project for your own workflows, ready for npm install && npm start')
    .argument('<dir>', 'where to create it (must not exist, or be empty)')
    .option('--name <name>', 'npm package name of the project (default: the folder name)')
    .option(
      '--baton-spec <spec>',
      'how the project depends on Baton: a version range, or a path to a tarball (npm pack)',
    )
    .addHelpText(
      'after',
      '\nThen: cd <dir> && npm install && npm test && npm start (see the README it writes).',
    )
    .action((dir: string, options: { name?: string; batonSpec?: string }, command: Command) => {
      const context = cliContext(command);
      const target = path.resolve(dir);
      if (existsSync(target) && readdirSync(target).length > 0)
        throw usageError(`${dir} exists and is not empty; choose a new folder`);
      const name = options.name ?? path.basename(target).toLowerCase();
      if (!PACKAGE_NAME.test(name))
        throw usageError(`"${name}" is not a valid npm package name; pass --name`);
      const pinned = versions(options.batonSpec && asDependencySpec(options.batonSpec));
      const files: Record<string, string> = {
        'package.json': packageJson(name, pinned),
        'tsconfig.json': TSCONFIG,
        '.gitignore': GITIGNORE,
        '.npmrc': NPMRC,
        'README.md': readme(name),
        'src/index.ts': INDEX_TS,
        'src/forms.ts': FORMS_TS,
        'src/deploy-config.ts': WORKFLOW_TS,
        'test/deploy-config.spec.ts': TEST_TS,
      };
      for (const [file, text] of Object.entries(files)) {
        const where = path.join(target, file);
        mkdirSync(path.dirname(where), { recursive: true });
        writeFileSync(where, text);
      }
      context.out(
        [
          `Created ${name} in ${target}:`,
          ...Object.keys(files).map((file) => `  ${file}`),
          '',
          'Next:',
          `  cd ${dir}`,
          '  npm install',
          '  npm test     # the workflow on the test kit, no database',
          '  npm start    # Baton with your workflow on http://localhost:8080',
        ].join('\n'),
      );
    });
};
