/** Shown when the API answers 401: the operator enters an API key, kept for this tab only. */
import { useState } from 'react';
import { ErrorMessage } from '../components/Feedback';
import { ApiError, get } from '../lib/api';
import { clearKey, saveKey } from '../lib/session';

export const SignIn = ({ onSignedIn }: { onSignedIn: () => void }) => {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <p>The Baton API asks for a key. Enter your API key; it is kept for this browser tab only.</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          saveKey(key.trim());
          try {
            await get('/api/workflows');
            onSignedIn();
          } catch (err) {
            clearKey();
            setError(
              err instanceof ApiError && err.status === 401
                ? 'That key was not accepted.'
                : (err as Error).message,
            );
          }
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
    </section>
  );
};
