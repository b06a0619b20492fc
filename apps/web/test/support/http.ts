// HTTP helpers for route-level tests: a CSRF token with its session cookie, sign-in, form posts.

export interface Session {
  cookie: string;
  csrf: string;
}

export function cookieOf(res: Response, name = "__session"): string | undefined {
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(";")[0];
}

/** A fresh visitor session: GET /login, keep its cookie and the form's CSRF token. */
export async function newSession(baseUrl: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/login`);
  const html = await res.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = cookieOf(res);
  if (!csrf || !cookie) throw new Error(`no CSRF token on /login (status ${res.status})`);
  return { cookie, csrf };
}

export async function post(baseUrl: string, path: string, session: Session | null, fields: Record<string, string>, { csrf = true } = {}): Promise<Response> {
  const body = new URLSearchParams(fields);
  if (session && csrf) body.set("_csrf", session.csrf);
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(session ? { Cookie: session.cookie } : {}) },
    redirect: "manual",
  });
}

/** Signs in and returns the signed-in session with its own CSRF token (sign-in replaces the visitor's). */
export async function signIn(baseUrl: string, email: string, password: string): Promise<Session> {
  const session = await newSession(baseUrl);
  const res = await post(baseUrl, "/login", session, { email, password });
  const cookie = cookieOf(res);
  if (res.status !== 302 || !cookie) throw new Error(`sign-in of ${email} answered ${res.status}`);
  return { cookie, csrf: await csrfOf(baseUrl, cookie) };
}

/** The CSRF token the staff layout renders for a signed-in cookie (in the sign-out form of every page). */
export async function csrfOf(baseUrl: string, cookie: string, path = "/account"): Promise<string> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
  if (!csrf) throw new Error(`no CSRF token on ${path} (status ${res.status})`);
  return csrf;
}

export async function get(baseUrl: string, path: string, session?: Session): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { headers: session ? { Cookie: session.cookie } : {}, redirect: "manual" });
}
