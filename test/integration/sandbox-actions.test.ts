import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxActions } from '../../src/sandbox/sandbox-actions.ts';
import { listen, sendJson, type Listening, type RecordedRequest } from '../../src/sandbox/listen.ts';
import { startSandboxPeers, type SandboxPeers } from '../../src/sandbox/sandbox-peers.ts';

describe('the sandbox playing ConductorOne', () => {
  let peers: SandboxPeers;
  let bridge: Listening;
  const received: RecordedRequest[] = [];

  beforeAll(async () => {
    peers = await startSandboxPeers();
    // Stands in for the bridge: records what the sandbox sends it.
    bridge = await listen((request, response) => {
      received.push(request);
      sendJson(response, 202, { status: 'accepted' });
    });
  });

  afterAll(async () => {
    await bridge.close();
    await peers.close();
  });

  it('sends a delivery again with the same token while it lives, then the same body under a fresh token', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const actions = createSandboxActions(peers, 'http://127.0.0.1:8080', () => bridge.url, () => now);
    const delivery = await actions.send('grant');
    now += 60_000;
    await actions.resend(delivery.id);
    now += 31_000;
    await actions.resend(delivery.id);

    const [first, within, after] = received.map((r) => ({ token: r.headers.authorization, body: r.body, path: r.path }));
    expect(first?.path).toBe('/webhooks/conductorone');
    expect(within).toEqual(first);
    expect(after?.body).toBe(first?.body);
    expect(after?.token).not.toBe(first?.token);
    expect(actions.activity.map((a) => a.text)).toEqual([
      `ConductorOne sent task ${delivery.taskId} again (same body, a fresh token: the first had expired): the bridge answered 202`,
      `ConductorOne sent task ${delivery.taskId} again (same body, same token): the bridge answered 202`,
      `ConductorOne sent grant task ${delivery.taskId}: the bridge answered 202`,
    ]);
    expect(await actions.resend('unknown')).toBeUndefined();
    expect(received).toHaveLength(3);
  });

  it('plays a policy approval step whose callback URL takes only approval answers, checked against the OpenAPI', async () => {
    received.length = 0;
    const actions = createSandboxActions(peers, 'http://127.0.0.1:8080', () => bridge.url);
    const delivery = await actions.send('approval');
    const sent = JSON.parse(received[0]?.body ?? '{}') as { event?: string; callbackUrl?: string; payload: { taskView: { task: { id: string } } } };
    expect(sent.event).toBe('c1.webhooks.v1.PayloadPolicyApprovalStep');
    expect(sent.payload.taskView.task.id).toBe(delivery.taskId);
    expect(sent.callbackUrl).toBe(peers.c1.callbackUrl(delivery.callbackToken));
    expect(actions.activity[0]?.text).toBe(`ConductorOne sent approval task ${delivery.taskId}: the bridge answered 202`);

    // A provisioning answer is not an approval answer: C1 refuses it and the URL stays usable for the real one.
    const post = (body: unknown) => fetch(sent.callbackUrl ?? '', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ version: 'v1', complete: {} })).status).toBe(400);
    expect(peers.c1.refusedCallbacks.at(-1)?.problems).toEqual(['$.complete: unknown field', '$: exactly one of approve, deny, reassign, replacePolicy must be set, found 0']);
    expect((await post({ version: 'v1', approve: { comment: 'ok by the CAB' } })).status).toBe(200);
  });
});
