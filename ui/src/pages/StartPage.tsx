/** Start a process from its workflow's initial form; errors show next to their fields. */
import { Empty, ErrorMessage, Loading } from '../components/Feedback';
import { Link } from '../components/Link';
import { SchemaForm } from '../components/SchemaForm';
import { get, request } from '../lib/api';
import { mayOperate, useIdentity } from '../lib/identity';
import { navigate } from '../lib/router';
import type { WorkflowView } from '../lib/types';
import { useResource } from '../lib/use-resource';

export const StartPage = ({ workflow }: { workflow?: string }) => {
  const workflows = useResource(() => get<WorkflowView[]>('/api/workflows'), []);
  const permission = mayOperate(useIdentity());
  if (!workflows.data)
    return workflows.error ? (
      <ErrorMessage error={workflows.error} />
    ) : (
      <Loading what="workflows" />
    );
  const chosen = workflows.data.find((w) => w.name === workflow);

  return (
    <section>
      <h1>Start a workflow</h1>
      {workflows.data.length === 0 ? <Empty>No workflows are registered.</Empty> : null}
      <ul className="workflow-picker" aria-label="Workflows">
        {workflows.data.map((w) => (
          <li key={w.name}>
            <Link
              href={`/start/${encodeURIComponent(w.name)}`}
              aria-current={w.name === workflow ? 'page' : undefined}
            >
              <strong>{w.name}</strong> <span className="muted">{w.description}</span>
            </Link>
          </li>
        ))}
      </ul>
      {workflow && !chosen ? <ErrorMessage error={`No workflow named “${workflow}”.`} /> : null}
      {chosen ? (
        <section className="card" aria-labelledby="start-title">
          <h2 id="start-title">{chosen.description}</h2>
          <p className="muted">
            {chosen.name} v{chosen.version} · {chosen.steps.length} steps
          </p>
          <SchemaForm
            key={chosen.name}
            idPrefix="start"
            schema={chosen.initialForm ?? { type: 'object', properties: {} }}
            submitLabel="Start"
            notAllowed={permission.allowed ? undefined : permission.reason}
            onSubmit={async (values) => {
              const { id } = await request<{ id: string }>(
                'POST',
                `/api/processes/${encodeURIComponent(chosen.name)}`,
                values,
              );
              navigate(`/processes/${id}`);
            }}
          />
        </section>
      ) : null}
    </section>
  );
};
