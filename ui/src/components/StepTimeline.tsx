/** What has run so far: each step's status, start, duration and (on demand) its state delta. */
import { formatDuration, formatTime } from '../lib/format';
import type { StepView } from '../lib/types';
import { StatusBadge } from './Feedback';
import { JsonBlock } from './JsonBlock';

export const StepTimeline = ({ steps }: { steps: StepView[] }) => {
  const ran = steps.filter((s) => s.status !== 'pending');
  if (ran.length === 0) return <p className="empty">No step has run yet.</p>;
  return (
    <ol className="timeline">
      {ran.map((s) => (
        <li key={s.index} className={`timeline-entry step-${s.status}`}>
          <div className="timeline-head">
            <span className="timeline-name">{s.name}</span>
            <StatusBadge status={s.status} />
          </div>
          <div className="timeline-meta">
            <span>Started {formatTime(s.startedAt)}</span>
            <span>Duration {formatDuration(s.durationMs)}</span>
          </div>
          {s.delta && Object.keys(s.delta).length > 0 ? (
            <details>
              <summary>State delta ({Object.keys(s.delta).join(', ')})</summary>
              <JsonBlock value={s.delta} label={`State delta of ${s.name}`} />
            </details>
          ) : null}
          {s.error ? (
            <details open>
              <summary>Error: {s.error.message}</summary>
              <JsonBlock value={s.error.details} label={`Error details of ${s.name}`} />
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
};
