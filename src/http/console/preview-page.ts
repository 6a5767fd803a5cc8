import { html, page } from '../html.ts';
import { NAV } from './console-pages.ts';

export interface PreviewPageView {
  fixtures: readonly string[];
  /** The sample chosen, if the payload came from one. */
  fixture?: string;
  /** The payload as the operator pasted it (shown again in the form). */
  payload: string;
  /** The dry run's report, line by line, exactly as `npx c1-ticket-bridge preview` prints it; absent before a run. */
  report?: readonly string[];
}

/**
 * The console's dry run: pick a shipped sample or paste a ConductorOne payload, see which route takes it and the
 * ticket as its desk would receive it. Nothing is created, so the forms need no token; they work without JavaScript.
 */
export function renderPreviewPage(view: PreviewPageView): string {
  return page({
    title: 'Preview a task: c1-ticket-bridge console',
    heading: 'Preview a task',
    nav: NAV,
    body: html`<p class="muted">A dry run through this bridge's routes and templates: it creates nothing, in no desk.</p>
<form method="get" action="/admin/preview"><label for="fixture">A shipped sample</label>
<select id="fixture" name="fixture">${view.fixtures.map((name) => html`<option value="${name}"${name === view.fixture ? html` selected` : ''}>${name}</option>`)}</select>
<button type="submit">Preview the sample</button></form>
<form method="post" action="/admin/preview"><label for="payload">Or a webhook body as ConductorOne sends it (JSON)</label><br>
<textarea id="payload" name="payload" rows="10" cols="100" spellcheck="false">${view.payload}</textarea><br>
<button type="submit">Preview this payload</button></form>
${view.report === undefined ? '' : html`<section aria-labelledby="h-report"><h2 id="h-report">Result</h2><pre id="report">${view.report.join('\n')}</pre></section>`}`,
  });
}
