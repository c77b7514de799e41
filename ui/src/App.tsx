/** Header, sign-in and the page for the current path (each page its own chunk, loaded on use). */
import { ComponentType, lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Loading } from './components/Feedback';
import { SignedInAs } from './components/SignedInAs';
import { getOptional } from './lib/api';
import { CALLBACK_PATH, onSessionEnded, SIGNED_OUT_PATH } from './lib/auth';
import { Identity, IdentityContext } from './lib/identity';
import { navigate, useLocation } from './lib/router';
import type { EndReason } from './lib/session';
import { useSessionLifetime } from './lib/use-session-lifetime';
import { ProcessList } from './pages/ProcessList';
import { SignIn } from './pages/SignIn';

// The list is the landing page and stays in the main bundle; the others (forms, rjsf and its
// validator, the sign-in client) load when first visited.
const onUse = <P extends object>(load: () => Promise<ComponentType<P>>) =>
  lazy(async () => ({ default: await load() }));
const AuditPage = onUse(() => import('./pages/AuditPage').then((m) => m.AuditPage));
const ProcessPage = onUse(() => import('./pages/ProcessPage').then((m) => m.ProcessPage));
const StartPage = onUse(() => import('./pages/StartPage').then((m) => m.StartPage));
const AuthCallback = onUse(() => import('./pages/AuthCallback').then((m) => m.AuthCallback));
const WebhooksPage = onUse(() =>
  import('./pages/webhooks/WebhooksPage').then((m) => m.WebhooksPage),
);

const useMe = (signedInAt: number, ended: EndReason | null) => {
  const [identity, setIdentity] = useState<Identity | null>(null);
  useEffect(() => {
    if (ended) return setIdentity(null);
    getOptional<Identity>('/api/me').then(setIdentity, () => setIdentity(null));
  }, [signedInAt, ended]);
  return identity;
};

const Page = ({ path, search }: { path: string; search: string }) => {
  const process = /^\/processes\/([^/]+)(\/audit)?$/.exec(path);
  if (process && process[2]) return <AuditPage id={decodeURIComponent(process[1])} />;
  if (process) return <ProcessPage id={decodeURIComponent(process[1])} />;
  const start = /^\/start(?:\/([^/]+))?$/.exec(path);
  if (start) return <StartPage workflow={start[1] ? decodeURIComponent(start[1]) : undefined} />;
  if (path === '/webhooks') return <WebhooksPage />;
  return <ProcessList search={search} />;
};

export const App = () => {
  const { path, search } = useLocation();
  const [ended, setEnded] = useState<EndReason | null>(
    path === SIGNED_OUT_PATH ? 'signed-out' : null,
  );
  const [signedInAt, setSignedInAt] = useState(0);
  const identity = useMe(signedInAt, ended);
  useEffect(() => onSessionEnded(setEnded), []);
  useSessionLifetime(signedInAt);
  const signedIn = useCallback(() => {
    setEnded(null);
    setSignedInAt(Date.now());
    if (location.pathname === SIGNED_OUT_PATH) navigate('/');
  }, []);

  let content;
  if (path === CALLBACK_PATH) content = <AuthCallback onSignedIn={signedIn} />;
  else if (ended) content = <SignIn reason={ended} onSignedIn={signedIn} />;
  else content = <Page key={path} path={path} search={search} />;

  return (
    <IdentityContext.Provider value={identity}>
      <header className="topbar">
        <a
          href="/"
          className="brand"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          Baton
        </a>
        <nav aria-label="Main">
          <a
            href="/start"
            onClick={(e) => {
              e.preventDefault();
              navigate('/start');
            }}
          >
            Start a workflow
          </a>
          <a
            href="/webhooks"
            onClick={(e) => {
              e.preventDefault();
              navigate('/webhooks');
            }}
          >
            Webhooks
          </a>
        </nav>
        {ended ? null : <SignedInAs identity={identity} />}
      </header>
      <main id="main">
        <Suspense fallback={<Loading what="the page" />}>{content}</Suspense>
      </main>
    </IdentityContext.Provider>
  );
};
