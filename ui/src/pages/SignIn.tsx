/**
 * Shown when there is no session or it ended (expired, refused, signed out), at the page's own
 * address: signing in brings the operator back to it. Sign-in with the organisation's OpenID
 * provider when the service has one; an API key otherwise, or instead (local use).
 */
import { useState } from 'react';
import { ErrorMessage, Loading } from '../components/Feedback';
import { returnAddress } from '../lib/auth';
import type { EndReason } from '../lib/session';
import { clearCredential, saveKey } from '../lib/session';
import { loadUiConfig, OidcUiConfig } from '../lib/ui-config';
import { useResource } from '../lib/use-resource';

const WHY: Record<EndReason, string> = {
  required: 'The Baton API asks you to sign in.',
  expired: 'Your sign-in has expired. Sign in again to continue where you were.',
  refused:
    'Your credential is no longer accepted (it expired or was revoked). Sign in again to continue where you were.',
  'signed-out': 'You have signed out.',
};

/** Tries a key without the app-wide 401 handling: a wrong key is this form's business. */
const keyAccepted = async (key: string): Promise<boolean | string> => {
  try {
    const res = await fetch('/api/me', {
      headers: { accept: 'application/json', authorization: `Bearer ${key}` },
      cache: 'no-cache',
    });
    if (res.status === 401) return false;
    return res.ok || res.status === 404 ? true : `The service answered HTTP ${res.status}`;
  } catch {
    return 'Cannot reach the Baton service; check that it is running';
  }
};

const KeyForm = ({ onSignedIn }: { onSignedIn: () => void }) => {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        const accepted = await keyAccepted(key.trim());
        if (accepted === true) {
          saveKey(key.trim());
          onSignedIn();
        } else setError(accepted === false ? 'That key was not accepted.' : accepted);
      }}
    >
      <label htmlFor="api-key">API key</label>
      <input
        id="api-key"
        type="password"
        autoComplete="off"
        value={key}
        onChange={(e) => setKey(e.target.value)}
        required
      />
      <ErrorMessage error={error} />
      <button type="submit" className="primary">
        Sign in
      </button>
    </form>
  );
};

const ProviderSignIn = ({ oidc }: { oidc: OidcUiConfig }) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <div className="provider-sign-in">
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          clearCredential();
          try {
            const { beginSignIn } = await import('../lib/oidc-client');
            await beginSignIn(oidc, returnAddress()); // leaves the page
          } catch (e) {
            setBusy(false);
            setError(`Cannot reach the identity provider: ${(e as Error).message}`);
          }
        }}
      >
        Sign in with your organisation account
      </button>
      <ErrorMessage error={error} />
    </div>
  );
};

export const SignIn = ({ reason, onSignedIn }: { reason: EndReason; onSignedIn: () => void }) => {
  const config = useResource(loadUiConfig, []);
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <p role="status">{WHY[reason]}</p>
      {!config.data ? <Loading what="the sign-in options" /> : null}
      {config.data?.oidc ? <ProviderSignIn oidc={config.data.oidc} /> : null}
      {config.data?.apiKeys && config.data.oidc ? (
        <details className="key-sign-in">
          <summary>Use an API key instead</summary>
          <p>For local use and scripts; the key is kept for this browser tab only.</p>
          <KeyForm onSignedIn={onSignedIn} />
        </details>
      ) : null}
      {config.data && !config.data.oidc ? (
        <>
          <p>Enter your API key; it is kept for this browser tab only.</p>
          <KeyForm onSignedIn={onSignedIn} />
        </>
      ) : null}
    </section>
  );
};
