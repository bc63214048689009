import { html, type SafeHtml } from './html.js';

/** The login form: the token, or the one-time link printed at start. */
export function loginPage(options: { next: string; tokenFile?: string; problem?: string }): SafeHtml {
    return html`<div class="card narrow login">
  <h1>Log in</h1>
  ${options.problem === undefined ? '' : html`<p class="notice notice-error" role="alert">${options.problem}</p>`}
  <p>Open the one-time login link that <code>signal-client</code> printed when it started, or paste the admin token${options.tokenFile === undefined ? ' (admin.token in the config)' : html` (kept in <code>${options.tokenFile}</code>)`}.</p>
  <form method="post" action="/login">
    <input type="hidden" name="next" value="${options.next}">
    <div class="field"><label for="token">Admin token</label><input type="password" id="token" name="token" autocomplete="current-password" required></div>
    <div class="actions"><button type="submit" class="primary">Log in</button></div>
  </form>
</div>`;
}
