/** Bearer-token check for the HTTP API: constant-time, and a 401 that says what is missing. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Compares digests (equal length) so neither content nor length leaks through timing. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0;
}

export function bearerAuth(getToken: () => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="hearth"')
        .json({ error: 'missing bearer token: send "Authorization: Bearer <token>" (the token in http.token_file)' });
      return;
    }
    if (!tokenMatches(match[1]!, getToken())) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="hearth", error="invalid_token"').json({ error: 'invalid bearer token' });
      return;
    }
    next();
  };
}
