/** Times and durations as an operator reads them. */
export const formatTime = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—';

export const formatDuration = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
};

export const statusLabel = (status: string) => status.replace(/_/g, ' ');

export const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Progress reports arrive as LSO sends them (`{"progress": [lines]}`), as plain text, or as any
 * JSON: flatten each into the lines a person reads.
 */
export const progressLines = (progress: unknown): string[] => {
  if (typeof progress === 'string') return progress.split('\n');
  if (Array.isArray(progress)) return progress.flatMap(progressLines);
  if (progress && typeof progress === 'object' && 'progress' in progress)
    return progressLines((progress as { progress: unknown }).progress);
  return [JSON.stringify(progress)];
};
