/** The workflow's steps top to bottom, the one the process is at highlighted. */
import type { StepView } from '../lib/types';

const MARK: Record<string, string> = {
  completed: '✓',
  skipped: '–',
  failed: '✕',
  pending: '',
  running: '…',
  awaiting_callback: '⟳',
  suspended: '!',
};

export const StepFlow = ({ steps, current }: { steps: StepView[]; current: string | null }) => (
  <ol className="flow" aria-label="Workflow steps">
    {steps.map((s) => {
      const isCurrent = s.name === current && s.status !== 'completed';
      return (
        <li
          key={s.index}
          className={`flow-step step-${s.status}${isCurrent ? ' current' : ''}`}
          aria-current={isCurrent ? 'step' : undefined}
        >
          <span className="flow-mark" aria-hidden="true">
            {MARK[s.status] ?? ''}
          </span>
          <span className="flow-name">{s.name}</span>
          <span className="flow-status">{s.status.replace(/_/g, ' ')}</span>
        </li>
      );
    })}
  </ol>
);
