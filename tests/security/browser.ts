/**
 * What an attacker's client does over HTTP: keep cookies like a browser, read the CSRF token a
 * page hands out, post forms. Shared by the files in tests/security/.
 */
export class Jar {
  readonly cookies = new Map<string, string>();

  take(res: Response): string[] {
    const set = res.headers.getSetCookie();
    for (const line of set) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return set;
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export const csrfIn = (html: string) => /name="_csrf" value="([a-z2-9]+)"/.exec(html)?.[1] ?? null;

export async function get(
  base: string,
  jar: Jar,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const res = await fetch(base + path, {
    headers: { cookie: jar.header(), ...headers },
    redirect: 'manual',
  });
  jar.take(res);
  return res;
}

export async function postForm(
  base: string,
  jar: Jar,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: {
      cookie: jar.header(),
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  jar.take(res);
  return res;
}

/** Logs in on the form with a token; returns the response of the POST. */
export async function loginWithToken(
  base: string,
  jar: Jar,
  token: string,
  extra: { next?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const page = await get(base, jar, '/', extra.headers);
  const csrf = csrfIn(await page.text());
  if (!csrf) throw new Error('no CSRF field on the login page');
  return postForm(
    base,
    jar,
    '/login',
    { _csrf: csrf, token, ...(extra.next !== undefined ? { next: extra.next } : {}) },
    extra.headers,
  );
}
