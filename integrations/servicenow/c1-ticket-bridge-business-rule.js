/*
 * c1-ticket-bridge: ServiceNow business rule that tells the bridge when a record it opened changes state.
 *
 * Install (System Definition > Business Rules > New), once per table the bridge routes to (sc_task, sc_req_item,
 * incident):
 *   Table: the table   When: after   Update: checked   Advanced: checked
 *   Filter conditions: State changes   AND   Correlation display is ConductorOne
 *   Script: this file.
 * System properties (sys_properties.list > New), type string:
 *   c1_ticket_bridge.url     https://bridge.acme.example/webhooks/servicenow
 *   c1_ticket_bridge.secret  the bridge's servicenow.webhookSecret (mark the property Private / password2 if you can)
 *
 * The body is contract §6: {"table","sys_id","number","state","correlation_id","close_notes"}, plus "stage" for
 * sc_req_item (a requested item closed complete whose stage says the request was cancelled is reported errored),
 * signed with GlideCertificateEncryption.generateMac (HmacSHA256, base64) in X-Bridge-Signature: sha256=<base64>.
 */
(function executeRule(current, previous /* null when async */) {
  if (String(current.getValue('correlation_display')) !== 'ConductorOne') return;

  var url = gs.getProperty('c1_ticket_bridge.url');
  var secret = gs.getProperty('c1_ticket_bridge.secret');
  if (!url || !secret) {
    gs.error('c1-ticket-bridge: set the system properties c1_ticket_bridge.url and c1_ticket_bridge.secret');
    return;
  }

  var event = {
    table: String(current.getTableName()),
    sys_id: String(current.getUniqueValue()),
    number: String(current.getValue('number')),
    state: String(current.getValue('state')),
    correlation_id: String(current.getValue('correlation_id') || ''),
    close_notes: String(current.getValue('close_notes') || '')
  };
  if (event.table === 'sc_req_item') event.stage = String(current.getValue('stage') || '');
  var body = JSON.stringify(event);

  // generateMac wants the key itself base64-encoded; it returns the MAC in base64.
  var mac = new GlideCertificateEncryption().generateMac(GlideStringUtil.base64Encode(secret), 'HmacSHA256', body);

  var request = new sn_ws.RESTMessageV2();
  request.setEndpoint(url);
  request.setHttpMethod('post');
  request.setRequestHeader('Content-Type', 'application/json');
  request.setRequestHeader('X-Bridge-Signature', 'sha256=' + mac);
  request.setRequestBody(body);
  // Asynchronous: closing the record never waits on the bridge. A lost call is caught by the bridge's reconciliation.
  request.executeAsync();
})(current, previous);
