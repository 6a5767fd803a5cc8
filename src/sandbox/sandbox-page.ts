import { html, page, type SafeHtml } from '../http/html.ts';
import type { CorrelationRecord } from '../store/correlation-store.ts';
import { APPROVAL_PROJECT, jiraChoices, SAMPLES, SERVICENOW_CLOSINGS, type SandboxActions } from './sandbox-actions.ts';
import { SANDBOX_JIRA } from './sandbox-jira.ts';
import type { SandboxPeers } from './sandbox-peers.ts';

export interface SandboxView {
  peers: SandboxPeers;
  actions: SandboxActions;
  /** The bridge's records of each task sent, by task id. */
  records: ReadonlyMap<string, readonly CorrelationRecord[]>;
}

const SN_STATES: Record<string, string> = { '1': 'Open', '2': 'Work in Progress', '3': 'Closed Complete', '4': 'Closed Incomplete', '7': 'Closed Skipped' };

function button(action: string, fields: Record<string, string>, label: string): SafeHtml {
  return html`<form class="inline" method="post" action="${action}">${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}<button type="submit">${label}</button></form>`;
}

function answerText(status: number, body: string): SafeHtml {
  return html`<span class="${status < 300 ? 'ok' : 'bad'}">${status}</span> <code>${body}</code>`;
}

function deliveries(view: SandboxView): SafeHtml {
  if (view.actions.deliveries.length === 0) return html`<p class="muted">Nothing sent yet: send a sample above.</p>`;
  return html`<table><caption class="muted">Each row is one delivery; sending it again repeats it as ConductorOne does when it retries: the same body, and the same token while it is valid.</caption>
<thead><tr><th scope="col">task</th><th scope="col">sample</th><th scope="col">bridge's answers</th><th scope="col">bridge's record</th><th scope="col"></th></tr></thead><tbody>
${view.actions.deliveries.map((delivery) => {
  const records = view.records.get(delivery.taskId) ?? [];
  return html`<tr data-task="${delivery.taskId}"><td><code>${delivery.taskId}</code></td><td>${delivery.sample}</td>
<td><ol>${delivery.answers.map((a) => html`<li>${answerText(a.status, a.body)}</li>`)}</ol></td>
<td>${records.map((r) => html`<div>state <strong class="record-state">${r.state}</strong>${r.fields['ticketKey'] === undefined ? '' : html`, ticket <code>${r.fields['ticketKey']}</code>`}${r.fields['outcome'] === undefined ? '' : html`, outcome <strong>${r.fields['outcome']}</strong>`}</div>`)}</td>
<td>${button('/sandbox/resend', { delivery: delivery.id }, 'Send the same delivery again')}</td></tr>`;
})}
</tbody></table>`;
}

function jiraIssues(view: SandboxView): SafeHtml {
  const issues = [...view.peers.jira.issues.values()].reverse();
  if (issues.length === 0) return html`<p class="muted">No issues yet.</p>`;
  return html`<table id="jira-issues"><thead><tr><th scope="col">issue</th><th scope="col">summary</th><th scope="col">status</th><th scope="col">resolution</th><th scope="col">labels</th><th scope="col">resolve</th></tr></thead><tbody>
${issues.map(
  (issue) => html`<tr data-ticket="${issue.key}"><td><code>${issue.key}</code></td><td>${issue.fields.summary}</td><td class="status">${issue.status.name}</td><td>${issue.resolution ?? 'Unresolved'}</td><td>${issue.fields.labels.join(', ')}</td>
<td>${issue.status.category === 'done' ? html`<span class="muted">resolved</span>` : jiraChoices(issue.fields.project.key).map((resolution) => button('/sandbox/jira/resolve', { key: issue.key, resolution }, resolution))}</td></tr>`,
)}
</tbody></table>`;
}

function serviceNowRecords(view: SandboxView): SafeHtml {
  const rows = [...(view.peers.servicenow.tables.get('sc_task')?.values() ?? [])].reverse();
  if (rows.length === 0) return html`<p class="muted">No catalog tasks yet.</p>`;
  return html`<table id="servicenow-records"><thead><tr><th scope="col">number</th><th scope="col">short description</th><th scope="col">state</th><th scope="col">correlation id</th><th scope="col">close</th></tr></thead><tbody>
${rows.map(
  (record) => html`<tr data-ticket="${record.number}"><td><code>${record.number}</code></td><td>${record['short_description'] ?? ''}</td><td class="status">${SN_STATES[record.state] ?? record.state}</td><td><code>${record.correlation_id}</code></td>
<td>${record.state === '1' ? Object.keys(SERVICENOW_CLOSINGS).map((closing) => button('/sandbox/servicenow/close', { sysId: record.sys_id, closing }, closing)) : html`<span class="muted">closed</span>`}</td></tr>`,
)}
</tbody></table>`;
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function callbacks(view: SandboxView): SafeHtml {
  const received = [...view.peers.c1.callbacks].reverse();
  if (received.length === 0) return html`<p class="muted">No callback yet: it comes once a ticket is resolved.</p>`;
  const taskOf = (path: string) => view.actions.deliveries.find((d) => path.endsWith(`/${d.callbackToken}`))?.taskId ?? 'unknown task';
  return html`<table id="callbacks"><thead><tr><th scope="col">task</th><th scope="col">body ConductorOne received</th></tr></thead><tbody>
${received.map((request) => html`<tr data-task="${taskOf(request.path)}"><td><code>${taskOf(request.path)}</code></td><td><pre>${pretty(request.body)}</pre></td></tr>`)}
</tbody></table>`;
}

/** The part of the page that changes on its own: fetched again every 1.5 s by the page's one script. */
export function renderSandboxLive(view: SandboxView): SafeHtml {
  return html`<section aria-labelledby="h-deliveries"><h2 id="h-deliveries">2. What ConductorOne sent, and what the bridge answered</h2>${deliveries(view)}</section>
<section aria-labelledby="h-jira"><h2 id="h-jira">3. Sandbox ${SANDBOX_JIRA[view.peers.flavour].label} (approvals in project ${APPROVAL_PROJECT})</h2>${jiraIssues(view)}</section>
<section aria-labelledby="h-sn"><h2 id="h-sn">3. Sandbox ServiceNow (catalog tasks)</h2>${serviceNowRecords(view)}</section>
<section aria-labelledby="h-callbacks"><h2 id="h-callbacks">4. Callbacks ConductorOne received</h2>${callbacks(view)}</section>
<section aria-labelledby="h-activity"><h2 id="h-activity">Activity</h2><ul>${view.actions.activity.map((entry) => html`<li><time>${entry.at.slice(11, 19)}</time> ${entry.text}</li>`)}</ul></section>`;
}

export function renderSandboxPage(view: SandboxView): string {
  const { admin } = view.peers;
  return page({
    title: 'c1-ticket-bridge sandbox',
    heading: 'c1-ticket-bridge sandbox',
    nav: html`<nav aria-label="pages"><a href="/admin/">Operator console</a> · <a href="/admin/queues">Queues</a></nav>`,
    liveUrl: '/sandbox/live',
    body: html`<p class="banner" role="note"><strong>Sandbox, not production.</strong> ConductorOne, Jira and ServiceNow here are
stand-ins on 127.0.0.1 that speak the real wire formats; the bridge is the real one. Everything is gone when the process stops.
The operator console's login in this sandbox: <code>${admin.username}</code> / <code>${admin.password}</code>.</p>
<section aria-labelledby="h-send"><h2 id="h-send">1. ConductorOne asks for access</h2>
<p>Each button sends a new task, signed as ConductorOne signs its webhooks (a JWT over the body, checked against its key set).</p>
${Object.entries(SAMPLES).map(([sample, { label }]) => html`<p>${button('/sandbox/send', { sample }, `Send ${label}`)}</p>`)}
</section>
<div id="live">${renderSandboxLive(view)}</div>`,
  });
}
