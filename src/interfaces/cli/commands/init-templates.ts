/**
 * The files `baton init` writes: a team's project in the shape of examples/l2vpn, with one
 * workflow (a callback step to an LSO-compatible runner, then an operator's confirmation) and
 * its test on the test kit. Kept as plain text so what a team gets is exactly what is read here.
 */
export interface ScaffoldVersions {
  /** How the project depends on Baton: a version range, or a tarball path for tests. */
  batonSpec: string;
  classValidator: string;
  typescript: string;
  jest: string;
  tsJest: string;
  typesJest: string;
  typesNode: string;
  /** Install scripts the project allows (npm 11 runs none it was not told to). */
  allowScripts: Record<string, boolean>;
}

export const packageJson = (name: string, v: ScaffoldVersions): string =>
  `${JSON.stringify(
    {
      name,
      version: '0.1.0',
      private: true,
      description: 'Our workflows, run by Baton',
      scripts: {
        build: 'tsc -p tsconfig.json',
        prestart: 'npm run build',
        start: 'baton start --workflows ./dist/index.js',
        test: 'jest',
      },
      dependencies: {
        'baton-orchestrator': v.batonSpec,
        'class-validator': v.classValidator,
      },
      devDependencies: {
        '@types/jest': v.typesJest,
        '@types/node': v.typesNode,
        jest: v.jest,
        'ts-jest': v.tsJest,
        typescript: v.typescript,
      },
      jest: {
        preset: 'ts-jest',
        testEnvironment: 'node',
        testMatch: ['<rootDir>/test/**/*.spec.ts'],
      },
      // The embedded PostgreSQL's binaries are completed by their install script.
      allowScripts: v.allowScripts,
    },
    null,
    2,
  )}\n`;

export const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "commonjs",
    "lib": ["ES2022"],
    "strict": true,
    "experimentalDecorators": true,
    "emitDecoratorMetadata": true,
    "esModuleInterop": true,
    "skipLibCheck": true,
    "outDir": "dist",
    "types": ["node", "jest"]
  },
  "include": ["src/**/*.ts"]
}
`;

/**
 * @nestjs/apollo 13.4.5 (a dependency of Baton) depends on a plugin whose peer is @apollo/server
 * 4 while it asks for 5 itself: npm's peer resolution then never settles. Baton does not use
 * the plugin; installing without strict peer resolution is safe until @nestjs/apollo fixes it.
 */
export const NPMRC = `legacy-peer-deps=true
`;

export const GITIGNORE = `node_modules/
dist/
data/
`;

export const INDEX_TS = `/** What this project gives Baton: \`baton start --workflows ./dist/index.js\` serves this list. */
import { deployConfig } from './deploy-config';

export const workflows = [deployConfig];
`;

export const FORMS_TS = `import { IsInt, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { LongText, ReadOnly } from 'baton-orchestrator';

/** What an operator fills in to start the workflow. */
export class DeployConfigForm {
  @IsString() @Matches(/^[a-z0-9.-]+$/) device!: string;
  @IsString() @IsNotEmpty() config_name!: string;
}

/** What the runner posts back (the LSO callback format); anything else is refused with 400. */
export class RunnerResult {
  @IsOptional() @IsString() job_id?: string;
  @IsOptional() output?: unknown;
  @IsInt() return_code!: number;
  @IsString() status!: string;
}

/** Shown to the operator with the run's outcome; submitting it is the confirmation. */
export class ConfirmDeployment {
  @ReadOnly('Status reported by the runner') @IsString() run_status!: string;
  @LongText('What the runner printed') @IsString() run_output!: string;
}
`;

export const WORKFLOW_TS = `/**
 * deploy_config: asks an LSO-compatible Ansible runner to push a configuration to a device,
 * waits for its callback, fails on a non-zero return code, lets an operator confirm, and marks
 * the configuration deployed. Without ANSIBLE_PROXY_URL, \`npm start\` runs Baton's bundled
 * runner SIMULATOR (it runs no playbook), so the workflow can be tried at once.
 */
import {
  callbackInteraction,
  inputStep,
  ProcessFailureError,
  RetryableStepError,
  step,
  workflow,
} from 'baton-orchestrator';
import { ConfirmDeployment, DeployConfigForm, RunnerResult } from './forms';

const runPlaybook = step('Run the deployment playbook', async (state, ctx) => {
  const runner = ctx.settings.ANSIBLE_PROXY_URL;
  if (!runner) throw new ProcessFailureError('ANSIBLE_PROXY_URL is not configured');
  const answer = await ctx.http.post(\`\${runner.replace(/\\/$/, '')}/api/playbook/\`, {
    playbook_name: 'deploy.yml',
    inventory: String(state.device),
    extra_vars: { config_name: state.config_name },
    callback: ctx.callbackUrl,
    progress: ctx.progressUrl,
  });
  if (answer.status >= 500) throw new RetryableStepError(\`runner answered \${answer.status}\`);
  if (answer.status >= 300)
    throw new ProcessFailureError(\`runner refused the playbook (\${answer.status})\`, answer.body);
});

const checkResult = step('Check the runner result', (state) => {
  const result = state.callback_result as { return_code?: number } | undefined;
  if (result?.return_code !== 0) throw new ProcessFailureError('Playbook failed', result);
  return { callback_result: result };
});

const confirm = inputStep('Confirm the deployment', { assignee: 'NOC' }, (state) => {
  const result = state.callback_result as { status?: string; output?: unknown };
  return {
    title: 'Confirm the deployment',
    form: ConfirmDeployment,
    values: {
      run_status: String(result.status ?? ''),
      run_output:
        typeof result.output === 'string' ? result.output : JSON.stringify(result.output, null, 2),
    },
  };
});

const markDeployed = step('Mark deployed', () => ({ deployed: true }));

export const deployConfig = workflow({
  name: 'deploy_config',
  description: 'Deploy a configuration to a device',
  target: 'MODIFY',
  version: 1,
  initialInput: DeployConfigForm,
  describe: (input) => \`\${String(input.config_name)} on \${String(input.device)}\`,
  steps: [
    callbackInteraction(runPlaybook, { validate: checkResult, payload: RunnerResult, confirm }),
    markDeployed,
  ],
});
`;

export const TEST_TS = `/**
 * The workflow on Baton's test kit: no database, virtual time, the runner scripted.
 */
import { createTestEnvironment } from 'baton-orchestrator/testing';
import { deployConfig } from '../src/deploy-config';

const RUNNER = 'http://runner.test';

const environment = () => {
  const env = createTestEnvironment({
    workflows: [deployConfig],
    settings: { ANSIBLE_PROXY_URL: RUNNER },
  });
  env.remote.onPost(\`\${RUNNER}/api/playbook/\`, { status: 201, body: { job_id: 'job-1' } });
  return env;
};

describe('deploy_config', () => {
  it('runs the playbook, waits for its callback, and completes once confirmed', async () => {
    const env = environment();
    const p = await env.start('deploy_config', { device: 'ams-r1', config_name: 'ntp' });
    await p.expectStatus('awaiting_callback');
    const [request] = p.requests();
    expect(request.body).toMatchObject({
      playbook_name: 'deploy.yml',
      inventory: 'ams-r1',
      callback: p.callbackUrl(),
    });

    await p.callback({ job_id: 'job-1', output: 'ok', return_code: 0, status: 'successful' });
    await p.expectForm({ title: 'Confirm the deployment', fields: ['run_status', 'run_output'] });
    await p.confirm();
    await p.expectStatus('completed');
    await p.expectState({ deployed: true });
    await env.close();
  });

  it('fails when the playbook fails', async () => {
    const env = environment();
    const p = await env.start('deploy_config', { device: 'ams-r1', config_name: 'ntp' });
    await p.callback({ job_id: 'job-1', output: 'fatal', return_code: 2, status: 'failed' });
    await p.expectStatus('failed');
    await env.close();
  });

  it('refuses a start form without a device', async () => {
    const env = environment();
    await expect(env.start('deploy_config', { config_name: 'ntp' })).rejects.toThrow(/device/);
    await env.close();
  });
});
`;

export const readme = (name: string): string => `# ${name}

Our workflows, run by [Baton](https://www.npmjs.com/package/baton-orchestrator).

\`\`\`bash
npm install
npm test      # the workflows' tests on Baton's test kit: no database, virtual time
npm start     # Baton on http://localhost:8080 with these workflows (embedded PostgreSQL in ./data)
\`\`\`

\`src/deploy-config.ts\` is the workflow \`deploy_config\`: a callback step asks an
LSO-compatible Ansible runner (\`ANSIBLE_PROXY_URL\`) to run a playbook, Baton waits for the
runner's callback, checks its return code, and an operator confirms. Without
\`ANSIBLE_PROXY_URL\`, \`npm start\` uses Baton's bundled runner SIMULATOR, which runs no playbook.

With no credentials configured, \`npm start\` prints a local admin key once; send it as
\`Authorization: Bearer <key>\`. Then:

\`\`\`bash
curl -s -X POST localhost:8080/api/processes/deploy_config -H "Authorization: Bearer $KEY" \\
  -H 'Content-Type: application/json' -d '{"device":"ams-r1","config_name":"ntp"}'
\`\`\`

and confirm it in the operator UI at http://localhost:8080/. A new workflow is a new file
exported from \`src/index.ts\`; a changed workflow that processes still run gets a new
\`version\` next to the old one.
`;
