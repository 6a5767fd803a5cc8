import { html, page, type SafeHtml } from '../html.ts';
import type { FailedJobView, StepView, TaskView } from './console-data.ts';

export interface Notice {
  ok: boolean;
  text: string;
}

const NAV = html`<nav aria-label="console"><a href="/admin/">Tasks</a> · <a href="/admin/queues">Queues</a></nav>`;

function taskLink(taskId: string): SafeHtml {
  return html`<a href="/admin/tasks/${encodeURIComponent(taskId)}">${taskId}</a>`;
}

function ticketLink(ticket: StepView['ticket']): SafeHtml | string {
  if (ticket === undefined) return 'none yet';
  const label = `${ticket.system} ${ticket.key}`;
  return ticket.url !== undefined && /^https?:\/\//.test(ticket.url) ? html`<a href="${ticket.url}">${label}</a>` : label;
}

function person(task: TaskView): string {
  const subject = task.request?.subject;
  if (subject === undefined) return '';
  return [subject.name, subject.email === undefined ? undefined : `<${subject.email}>`].filter(Boolean).join(' ');
}

function access(task: TaskView): string {
  const request = task.request;
  if (request === undefined) return '';
  return `${request.app.name ?? request.app.id} / ${request.entitlement.name ?? request.entitlement.id}`;
}

function notice(value: Notice | undefined): SafeHtml | undefined {
  return value === undefined ? undefined : html`<p role="status" class="${value.ok ? 'ok' : 'bad'}"><strong>${value.text}</strong></p>`;
}

function replayButton(job: FailedJobView, csrf: string, back: string): SafeHtml {
  return html`<form class="inline" method="post" action="/admin/failed/replay"><input type="hidden" name="queue" value="${job.queue}"><input type="hidden" name="jobId" value="${job.jobId}"><input type="hidden" name="back" value="${back}"><input type="hidden" name="csrf" value="${csrf}"><button type="submit" aria-label="Replay ${job.queue} job ${job.jobId}">Replay</button></form>`;
}

function failedTable(jobs: readonly FailedJobView[], csrf: string, back: string): SafeHtml {
  if (jobs.length === 0) return html`<p class="muted">No failed jobs.</p>`;
  return html`<table id="failed-jobs"><thead><tr><th scope="col">queue</th><th scope="col">job</th><th scope="col">task</th><th scope="col">attempts</th><th scope="col">failed at</th><th scope="col">reason</th><th scope="col"></th></tr></thead><tbody>
${jobs.map(
  (job) => html`<tr data-job="${job.jobId}"><td>${job.queue}</td><td><code>${job.jobId}</code></td><td>${job.taskId === undefined ? '' : taskLink(job.taskId)}</td><td>${job.attempts}</td><td>${job.failedAt ?? ''}</td><td class="reason">${job.reason}</td><td>${replayButton(job, csrf, back)}</td></tr>`,
)}
</tbody></table>`;
}

function tasksTable(tasks: readonly TaskView[], query: string): SafeHtml {
  if (tasks.length === 0) return html`<p class="muted">${query === '' ? 'No tasks yet.' : `No task matches “${query}”.`}</p>`;
  return html`<table id="tasks"><thead><tr><th scope="col">task</th><th scope="col">received</th><th scope="col">kind</th><th scope="col">user</th><th scope="col">access</th><th scope="col">state</th><th scope="col">ticket</th><th scope="col">outcome</th></tr></thead><tbody>
${tasks.map(
  (task) => html`<tr data-task="${task.taskId}"><td>${taskLink(task.taskId)}</td><td>${task.receivedAt}</td><td>${task.request?.kind ?? task.steps[0]?.kind ?? ''}</td><td>${person(task)}</td><td>${access(task)}</td>
<td>${task.steps.map((s) => html`<div>${s.state}</div>`)}</td><td>${task.steps.map((s) => html`<div>${ticketLink(s.ticket)}</div>`)}</td><td>${task.steps.map((s) => html`<div>${s.outcome ?? ''}</div>`)}</td></tr>`,
)}
</tbody></table>`;
}

export interface HomeView {
  query: string;
  tasks: readonly TaskView[];
  failed: readonly FailedJobView[];
  csrf: string;
}

export function renderHomeLive(view: HomeView): SafeHtml {
  const back = view.query === '' ? '/admin/' : `/admin/?q=${encodeURIComponent(view.query)}`;
  return html`<section aria-labelledby="h-tasks"><h2 id="h-tasks">${view.query === '' ? 'Recent tasks' : `Tasks matching “${view.query}”`}</h2>${tasksTable(view.tasks, view.query)}</section>
<section aria-labelledby="h-failed"><h2 id="h-failed">Failed jobs</h2><p class="muted">Replaying moves a job back to waiting under its own id: it never opens a second ticket or sends a second callback.</p>${failedTable(view.failed, view.csrf, back)}</section>`;
}

export function renderHome(view: HomeView, flash?: Notice): string {
  return page({
    title: 'c1-ticket-bridge console',
    heading: 'c1-ticket-bridge console',
    nav: NAV,
    liveUrl: `/admin/live${view.query === '' ? '' : `?q=${encodeURIComponent(view.query)}`}`,
    body: html`${notice(flash)}<form method="get" action="/admin/" role="search"><label for="q">Task id, ticket key or user email</label>
<input id="q" name="q" type="search" value="${view.query}" autocomplete="off"> <button type="submit">Search</button>${view.query === '' ? '' : html` <a href="/admin/">Clear</a>`}</form>
<div id="live">${renderHomeLive(view)}</div>`,
  });
}

function stepSection(step: StepView): SafeHtml {
  return html`<section aria-labelledby="h-step-${step.stepId}" data-step="${step.stepId}"><h2 id="h-step-${step.stepId}">Step <code>${step.stepId}</code> (${step.kind})</h2>
<table><tbody>
<tr><th scope="row">state</th><td class="state">${step.state}</td></tr>
<tr><th scope="row">ticket</th><td>${ticketLink(step.ticket)}</td></tr>
<tr><th scope="row">outcome</th><td>${step.outcome ?? 'not decided'}${step.outcomeComment === undefined ? '' : html`: ${step.outcomeComment}`}</td></tr>
<tr><th scope="row">callback</th><td>${step.callbackResult ?? 'not sent'} <span class="muted">(to ${step.callbackOrigin || 'an unreadable URL'}; the rest of the URL is ConductorOne's token and is not shown)</span></td></tr>
<tr><th scope="row">received, updated</th><td>${step.createdAt}, ${step.updatedAt}</td></tr>
</tbody></table>
<h3>History</h3><table class="history"><thead><tr><th scope="col">at</th><th scope="col">event</th><th scope="col">detail</th></tr></thead><tbody>
${step.history.map((entry) => html`<tr><td>${entry.at}</td><td>${entry.event}</td><td>${entry.detail ?? ''}</td></tr>`)}
</tbody></table></section>`;
}

export interface TaskPageView {
  task: TaskView;
  failed: readonly FailedJobView[];
  csrf: string;
}

export function renderTaskLive(view: TaskPageView): SafeHtml {
  const back = `/admin/tasks/${encodeURIComponent(view.task.taskId)}`;
  return html`${view.task.steps.map(stepSection)}
<section aria-labelledby="h-task-failed"><h2 id="h-task-failed">Failed jobs of this task</h2>${failedTable(view.failed, view.csrf, back)}</section>`;
}

export function renderTaskPage(view: TaskPageView, flash?: Notice): string {
  const { task } = view;
  return page({
    title: `Task ${task.taskId}: c1-ticket-bridge console`,
    heading: html`Task <code>${task.taskId}</code>`,
    nav: NAV,
    liveUrl: `/admin/tasks/${encodeURIComponent(task.taskId)}/live`,
    body: html`${notice(flash)}<p>${task.request?.displayName ?? ''}</p>
<p>${person(task) === '' ? '' : html`User: ${person(task)}. `}${access(task) === '' ? '' : html`Access: ${access(task)}. `}${task.request === undefined ? '' : html`<a href="${task.request.taskUrl}">Open the task in ConductorOne</a>`}</p>
<div id="live">${renderTaskLive(view)}</div>`,
  });
}
