import { d } from '../../../messages/dashboard';
import { CsrfField, ErrorNotice, Layout } from '../layout';
import type { LoginTokenState } from '../../../core/login-tokens';

export function LoginPage(p: {
  csrf: string;
  next?: string;
  error?: string | null;
  sandbox?: boolean;
  notice?: string | null;
}) {
  return (
    <Layout title={d.login.title} sandbox={p.sandbox}>
      <h1>{d.login.heading}</h1>
      <div class="card">
        <p>{d.login.intro}</p>
        {p.notice ? (
          <p class="notice info" role="status">
            {p.notice}
          </p>
        ) : null}
        <ErrorNotice message={p.error} />
        <form method="post" action="/login" data-once>
          <CsrfField token={p.csrf} />
          {p.next ? <input type="hidden" name="next" value={p.next} /> : null}
          <label for="token">{d.login.tokenLabel}</label>
          <p class="help" id="token-help">
            {d.login.tokenHelp}
          </p>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            required
            aria-describedby="token-help"
            aria-invalid={p.error ? 'true' : undefined}
          />
          <div class="actions">
            <button type="submit">{d.login.submit}</button>
          </div>
        </form>
        <p class="help">{d.login.linkHint}</p>
      </div>
    </Layout>
  );
}

/** The one-time link's page: a button that uses it (submitted at once by the script in a browser). */
export function LinkConfirmPage(p: { csrf: string; code: string }) {
  return (
    <Layout title={d.login.linkTitle}>
      <h1>{d.login.linkHeading}</h1>
      <div class="card">
        <p>{d.login.linkIntro}</p>
        <form method="post" action={`/login/${p.code}`} data-autosubmit data-once>
          <CsrfField token={p.csrf} />
          <button type="submit">{d.login.linkSubmit}</button>
        </form>
      </div>
    </Layout>
  );
}

export function LinkInvalidPage(p: { state: Exclude<LoginTokenState, 'valid'> }) {
  const why =
    p.state === 'used'
      ? d.login.linkUsed
      : p.state === 'expired'
        ? d.login.linkExpired
        : d.login.linkUnknown;
  return (
    <Layout title={d.login.linkInvalidTitle}>
      <h1>{d.login.linkInvalidTitle}</h1>
      <div class="card">
        <p class="notice err" role="alert">
          {why}
        </p>
        <p>{d.login.linkAgain}</p>
        <p>
          <a href="/">{d.login.toLogin}</a>
        </p>
      </div>
    </Layout>
  );
}

export function MessagePage(p: {
  title: string;
  message: string;
  session?: { label: string; csrf: string } | null;
  sandbox?: boolean;
}) {
  return (
    <Layout title={p.title} session={p.session} sandbox={p.sandbox}>
      <h1>{p.title}</h1>
      <div class="card">
        <p class="notice err" role="alert">
          {p.message}
        </p>
        <p>
          <a href="/">{d.errors.backHome}</a>
        </p>
      </div>
    </Layout>
  );
}
