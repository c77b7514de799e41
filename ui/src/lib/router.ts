/** A tiny history router: the service answers index.html for every non-API path. */
import { useEffect, useState } from 'react';

const listeners = new Set<() => void>();

export const navigate = (to: string) => {
  if (to === location.pathname + location.search) return;
  history.pushState(null, '', to);
  listeners.forEach((l) => l());
};

/** Like navigate, without a history entry (the provider's callback address is not one to go back to). */
export const replace = (to: string) => {
  history.replaceState(null, '', to);
  listeners.forEach((l) => l());
};

export const useLocation = () => {
  const [where, setWhere] = useState(() => ({ path: location.pathname, search: location.search }));
  useEffect(() => {
    const update = () => setWhere({ path: location.pathname, search: location.search });
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return where;
};
