import { html, type SafeHtml } from './html.js';

/** What every console page has around its content. */
export interface PageFrame {
    title: string;
    /** Which navigation entry is current. */
    section: 'integrations' | 'catalog' | 'login';
    /** The CSRF token for the logout form; absent on the login page. */
    csrf?: string;
    /** A line shown above the content (an outcome, an error). */
    notice?: { kind: 'ok' | 'error' | 'info'; text: string };
}

/** The whole document: head (CSS and script served by the runtime, no CDN), header with navigation, content. */
export function layout(frame: PageFrame, content: SafeHtml): string {
    const nav = (href: string, label: string, section: PageFrame['section']) =>
        html`<a href="${href}"${frame.section === section ? html` aria-current="page"` : ''}>${label}</a>`;
    return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} · signal-client</title>
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/console.js" defer></script>
</head>
<body>
<header class="topbar">
  <a class="brand" href="/integrations"><span class="brand-mark" aria-hidden="true"></span>signal-client</a>
  ${
      frame.section === 'login'
          ? ''
          : html`<nav aria-label="Main">${nav('/integrations', 'Integrations', 'integrations')}${nav('/catalog', 'Catalog', 'catalog')}</nav>
  <form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${frame.csrf}"><button type="submit" class="link">Log out</button></form>`
  }
</header>
<main>
${frame.notice === undefined ? '' : html`<p class="notice notice-${frame.notice.kind}" role="${frame.notice.kind === 'error' ? 'alert' : 'note'}">${frame.notice.text}</p>`}
${content}
</main>
</body>
</html>
`.text;
}
