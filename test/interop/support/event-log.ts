/** Prints a process's history as one short line per event, for the interop test's report. */
interface StoredEvent {
  revision: number;
  type: string;
  data: Record<string, unknown>;
}

const clip = (text: string, max = 110) => (text.length > max ? `${text.slice(0, max)}…` : text);

const summary = (event: StoredEvent): string => {
  const d = event.data;
  switch (event.type) {
    case 'CallbackProgressReported':
      return clip(JSON.stringify(d.progress));
    case 'CallbackReceived': {
      const p = d.payload as {
        job_id?: string;
        status?: string;
        return_code?: number;
        output?: unknown[];
      };
      return `job ${p.job_id} status=${p.status} return_code=${p.return_code} output=${p.output?.length} lines`;
    }
    case 'StepCompleted':
    case 'StepSkipped':
    case 'InputRequested':
    case 'CallbackIssued':
    case 'CallbackActionCompleted':
      return `#${String(d.index)} ${String(d.name)}`;
    case 'StepFailed':
      return `#${String(d.index)} ${String(d.name)}: ${clip(JSON.stringify((d.error as { message: string }).message))}`;
    default:
      return clip(JSON.stringify(d));
  }
};

export const describeEvents = (title: string, events: StoredEvent[]): string =>
  [
    title,
    ...events.map((e) => `${String(e.revision).padStart(3)} ${e.type.padEnd(25)} ${summary(e)}`),
  ].join('\n');
