import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AddressInfo } from 'node:net';
import { BridgeError } from '../errors.ts';
import { formBodyParser, formField } from '../http/form-body.ts';
import { crossSite } from '../http/same-origin.ts';
import type { CorrelationRecord, CorrelationStore } from '../store/correlation-store.ts';
import { createSandboxActions, jiraChoices, SAMPLES, SERVICENOW_CLOSINGS, type SampleName, type ServiceNowClosing } from './sandbox-actions.ts';
import { renderSandboxLive, renderSandboxPage, type SandboxView } from './sandbox-page.ts';
import type { SandboxPeers } from './sandbox-peers.ts';

export interface SandboxRoutesDeps {
  peers: SandboxPeers;
  store: Pick<CorrelationStore, 'findTask'>;
  publicUrl: string;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], field: string): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new BridgeError('invalid_form', `${field} must be one of ${allowed.join(', ')}`);
}

/** `GET /` (the sandbox page), its live region, and the forms that play ConductorOne and the desks' agents. */
export function sandboxRoutes(deps: SandboxRoutesDeps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    formBodyParser(app);
    const bridgeUrl = () => `http://127.0.0.1:${(app.server.address() as AddressInfo).port.toString()}`;
    const actions = createSandboxActions(deps.peers, deps.publicUrl, bridgeUrl);

    const view = async (): Promise<SandboxView> => {
      const records = new Map<string, readonly CorrelationRecord[]>();
      for (const delivery of actions.deliveries) records.set(delivery.taskId, await deps.store.findTask(delivery.taskId));
      return { peers: deps.peers, actions, records };
    };
    const back = (reply: FastifyReply) => reply.code(303).header('location', '/').send();
    // Another site's page cannot make a visitor's browser play the sandbox's parts.
    app.addHook('preHandler', async (request) => {
      if (request.method === 'POST' && crossSite(request)) throw new BridgeError('csrf_rejected', 'the sandbox takes its forms from its own page only');
    });

    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(renderSandboxPage(await view())));
    app.get('/sandbox/live', async (_request, reply) => reply.type('text/html; charset=utf-8').send(renderSandboxLive(await view()).markup));

    app.post('/sandbox/send', async (request, reply) => {
      await actions.send(oneOf<SampleName>(formField(request.body, 'sample'), Object.keys(SAMPLES) as SampleName[], 'sample'));
      return back(reply);
    });
    app.post('/sandbox/resend', async (request, reply) => {
      const id = formField(request.body, 'delivery') ?? '';
      if ((await actions.resend(id)) === undefined) throw new BridgeError('not_found', `no delivery ${JSON.stringify(id)} was sent in this sandbox`);
      return back(reply);
    });
    app.post('/sandbox/jira/resolve', async (request, reply) => {
      const key = formField(request.body, 'key') ?? '';
      const issue = deps.peers.jira.issues.get(key);
      if (issue === undefined) throw new BridgeError('not_found', `no issue ${JSON.stringify(key)} in the sandbox Jira`);
      await actions.resolveJira(key, oneOf(formField(request.body, 'resolution'), jiraChoices(issue.fields.project.key), 'resolution'));
      return back(reply);
    });
    app.post('/sandbox/servicenow/close', async (request, reply) => {
      const sysId = formField(request.body, 'sysId') ?? '';
      if (deps.peers.servicenow.tables.get('sc_task')?.has(sysId) !== true) throw new BridgeError('not_found', `no catalog task ${JSON.stringify(sysId)} in the sandbox ServiceNow`);
      await actions.closeServiceNow(sysId, oneOf<ServiceNowClosing>(formField(request.body, 'closing'), Object.keys(SERVICENOW_CLOSINGS) as ServiceNowClosing[], 'closing'));
      return back(reply);
    });
  };
}
