import { describe, expect, it } from 'vitest';
import { adfToText } from '../../../src/desks/jira/adf.ts';
import { useFakePeers } from '../../helpers/fake-peers.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// A hostile display name through a Jira Cloud plain issue: the description is Atlassian Document Format
// (developer.atlassian.com/cloud/jira/platform/apis/document/structure/), where only a node's `type` gives meaning,
// so C1's values must only ever be `text` nodes: no mention, no inlineCard, no link that hides its target. The fake
// Jira cites its wire format; the signed event is Jira's admin webhook (developer.atlassian.com/cloud/jira/platform/webhooks/).
const HOSTILE = 'Jane "}]}, {"type":"mention","attrs":{"id":"5b10ac8d"}} <b>&amp;</b> [evil|https://evil.example/login] {color:red}x{color} *bold* \\ @admin ✓ 👩‍💻';
const SECRET = 'jira-webhook-secret';

interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  marks?: Array<{ type: string; attrs?: { href?: string } }>;
}

/** Every node below the document, depth first. */
const nodesOf = (node: AdfNode): AdfNode[] => (node.content ?? []).flatMap((child) => [child, ...nodesOf(child)]);

const peers = useFakePeers();

describe('hostile names on a Jira Cloud issue', () => {
  it('reach the summary and the ADF description as text nodes only, and the loop still completes', async () => {
    const b = await peers.bridge({ jira: { baseUrl: peers.jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', indexLagSeconds: 0, webhookSecret: SECRET } });
    const { body, token } = peers.grant();
    const user = body.payload.expanded[2] as { displayName: string };
    user.displayName = HOSTILE;
    expect((await b.deliver(body)).statusCode).toBe(202);
    const key = await waitFor('the issue', () => [...peers.jira.issues.keys()][0]);
    const fields: Record<string, unknown> = peers.jira.issues.get(key)?.fields ?? {};

    expect(fields['summary']).toBe(`Grant GitHub / Org Admin for ${HOSTILE}`);
    const description = fields['description'] as AdfNode & { version: number };
    expect(description).toMatchObject({ type: 'doc', version: 1 });
    const nodes = nodesOf(description);
    expect(new Set(nodes.map((node) => node.type))).toEqual(new Set(['paragraph', 'text', 'hardBreak']));
    // A URL in the name may be linked, but only as itself: no link text that points elsewhere.
    for (const node of nodes) for (const mark of node.marks ?? []) expect(mark).toEqual({ type: 'link', attrs: { href: node.text } });
    expect(adfToText(description)).toContain(`User: ${HOSTILE} <jane.doe@acme.com>`);

    const event = JSON.stringify(peers.jira.transition(key, 'Done', 'done', 'Done'));
    const answer = await b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: event, headers: { 'content-type': 'application/json', 'x-hub-signature': peers.jira.sign(event, SECRET) } });
    expect(answer.statusCode).toBe(200);
    const sent = await waitFor('the callback', () => peers.callbacksTo(token)[0]);
    expect(Object.keys(JSON.parse(sent.body) as object)).toEqual(['version', 'complete']);
  });
});
