/**
 * Server-rendered HTML for the bridge's pages (the sandbox page and the operator console): no front-end build step.
 * `html` escapes every interpolated value unless it is itself markup made by `html`, so data never becomes markup.
 */
export interface SafeHtml {
  readonly markup: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && 'markup' in value && typeof (value as SafeHtml).markup === 'string';
}

function render(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (isSafe(value)) return value.markup;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return { markup };
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}
header a{color:#cfe3ff}main{padding:1rem 1.2rem;max-width:76rem}
h1{font-size:1.25rem;margin:0}h2{font-size:1.05rem;margin:1.4rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #dde1e6;vertical-align:top}
th{background:#eef1f4}code,pre{font:13px ui-monospace,monospace}pre{background:#fff;border:1px solid #dde1e6;padding:.5rem;overflow:auto;margin:0}
.banner{background:#fff4ce;border:1px solid #e0c36b;padding:.5rem .8rem;margin-bottom:1rem}
.muted{color:#5b6572}.ok{color:#176b2c}.bad{color:#a61b1b}
form.inline{display:inline}button,input,select{font:inherit;padding:.25rem .6rem}
button{cursor:pointer}:focus-visible{outline:3px solid #2f6fdf;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.3rem;z-index:1}
section{margin-bottom:1.2rem}
`;

/**
 * Keeps the element `#live` current by fetching `liveUrl` every 1.5 s: the only script the pages carry. It leaves the
 * region alone while the keyboard focus is inside it, so refreshing never takes a control from under the user.
 */
function liveScript(liveUrl: string): SafeHtml {
  const url = JSON.stringify(liveUrl).replace(/</g, '\\u003c');
  return html`<script>
(() => {
  const live = document.getElementById('live');
  if (live === null) return;
  setInterval(async () => {
    if (live.contains(document.activeElement)) return;
    try {
      const answer = await fetch(${{ markup: url }}, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (answer.ok) live.innerHTML = await answer.text();
    } catch {}
  }, 1500);
})();
</script>`;
}

export interface PageOptions {
  title: string;
  heading: SafeHtml | string;
  nav?: SafeHtml;
  body: SafeHtml;
  /** Where the live region's fresh markup comes from; without it the page has no script at all. */
  liveUrl?: string;
}

export function page(options: PageOptions): string {
  return `<!doctype html>${
    html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title><style>${{ markup: STYLE }}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><h1>${options.heading}</h1>${options.nav}</header>
<main id="main" tabindex="-1">${options.body}</main>
${options.liveUrl === undefined ? undefined : liveScript(options.liveUrl)}
</body></html>`.markup
  }`;
}
