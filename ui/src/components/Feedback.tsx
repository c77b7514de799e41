/** Loading, empty and error states, the same on every page. */
import type { ReactNode } from 'react';

export const Loading = ({ what }: { what: string }) => (
  <p className="muted" role="status">
    Loading {what}…
  </p>
);

export const Empty = ({ children }: { children: ReactNode }) => <p className="empty">{children}</p>;

export const ErrorMessage = ({ error }: { error: Error | string | undefined | null }) =>
  error ? (
    <div className="error" role="alert">
      {typeof error === 'string' ? error : error.message}
    </div>
  ) : null;

export const StatusBadge = ({ status }: { status: string }) => (
  <span className={`badge status-${status}`}>{status.replace(/_/g, ' ')}</span>
);
