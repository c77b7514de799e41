/** Pretty JSON in a scrollable block that a keyboard user can reach and scroll. */
import { pretty } from '../lib/format';

export const JsonBlock = ({ value, label }: { value: unknown; label: string }) => (
  <pre className="code scroll" tabIndex={0} role="region" aria-label={label}>
    {typeof value === 'string' ? value : pretty(value)}
  </pre>
);
