/**
 * The UI's components ask next-auth for the session before every call to the API. This app
 * does not sign in (a proxy in front of Baton authenticates), so there is never a session:
 * answer next-auth's client the way a server without one does, and nothing else.
 */
import type { NextApiRequest, NextApiResponse } from 'next';

export default function noSession(req: NextApiRequest, res: NextApiResponse) {
  const [action] = ([] as string[]).concat(req.query.nextauth ?? []);
  if (action === 'session') return res.status(200).json({});
  if (action === 'csrf') return res.status(200).json({ csrfToken: '' });
  if (action === 'providers') return res.status(200).json({});
  if (action === '_log') return res.status(200).end();
  return res.status(404).json({ error: 'sign-in is done by the proxy in front of Baton' });
}
