/** Header, sign-in and the page for the current path. */
import { useCallback, useEffect, useState } from 'react';
import { getOptional, onUnauthorized } from './lib/api';
import { navigate, useLocation } from './lib/router';
import { clearKey, readKey } from './lib/session';
import { AuditPage } from './pages/AuditPage';
import { ProcessList } from './pages/ProcessList';
import { ProcessPage } from './pages/ProcessPage';
import { SignIn } from './pages/SignIn';
import { StartPage } from './pages/StartPage';
import { WebhooksPage } from './pages/webhooks/WebhooksPage';

interface Identity {
  name?: string;
  id?: string;
  subject?: string;
  roles?: string[];
}

const useIdentity = (signedInAt: number) => {
  const [identity, setIdentity] = useState<Identity | null>(null);
  useEffect(() => {
    getOptional<Identity>('/api/me').then(setIdentity, () => setIdentity(null));
  }, [signedInAt]);
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
  const [needsSignIn, setNeedsSignIn] = useState(false);
  const [signedInAt, setSignedInAt] = useState(0);
  const identity = useIdentity(signedInAt);
  useEffect(() => onUnauthorized(() => setNeedsSignIn(true)), []);
  const signedIn = useCallback(() => {
    setNeedsSignIn(false);
    setSignedInAt(Date.now());
  }, []);
  const who = identity?.name ?? identity?.id ?? identity?.subject;

  return (
    <>
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
        <div className="identity" aria-live="polite">
          {who ? (
            <span>
              Signed in as <strong>{who}</strong>
              {identity?.roles?.length ? ` (${identity.roles.join(', ')})` : ''}
            </span>
          ) : readKey() ? (
            <span>Signed in with an API key</span>
          ) : null}
          {readKey() ? (
            <button
              type="button"
              className="link"
              onClick={() => {
                clearKey();
                setNeedsSignIn(true);
              }}
            >
              Sign out
            </button>
          ) : null}
        </div>
      </header>
      <main id="main">
        {needsSignIn ? (
          <SignIn onSignedIn={signedIn} />
        ) : (
          <Page key={path} path={path} search={search} />
        )}
      </main>
    </>
  );
};
