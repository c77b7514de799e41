/**
 * The provider sends the browser back here after sign-in (`/auth/callback?code=…&state=…`):
 * trade the code for tokens, then return to the page the operator was on, without leaving this
 * address in the history.
 */
import { useEffect, useState } from 'react';
import { ErrorMessage, Loading } from '../components/Feedback';
import { returnAddress } from '../lib/auth';
import { replace } from '../lib/router';
import { saveOidc } from '../lib/session';
import { loadUiConfig } from '../lib/ui-config';

/** One exchange per callback address: a code works once, however often effects run. */
const exchanges = new Map<string, Promise<string>>();

const exchange = (href: string): Promise<string> => {
  let running = exchanges.get(href);
  if (!running) {
    running = (async () => {
      const config = (await loadUiConfig()).oidc;
      if (!config) throw new Error('This service does not sign in with an identity provider.');
      const { completeSignIn } = await import('../lib/oidc-client');
      const { session, returnTo } = await completeSignIn(config, new URL(href));
      saveOidc(session);
      return returnTo;
    })();
    exchanges.set(href, running);
  }
  return running;
};

export const AuthCallback = ({ onSignedIn }: { onSignedIn: () => void }) => {
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    exchange(location.href).then(
      (returnTo) => {
        if (!live) return;
        replace(returnTo);
        onSignedIn();
      },
      (e: unknown) => {
        if (live) setError(`Sign-in did not complete: ${(e as Error).message}`);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  if (!error) return <Loading what="your sign-in" />;
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <ErrorMessage error={error} />
      <p>
        <a href={returnAddress()}>Start again</a>
      </p>
    </section>
  );
};
