import { defineConfig } from 'vitest/config';

/**
 * The tests that exercise the mutated modules (src/verify, src/jobs, src/store, src/domain, src/desks), for
 * `npm run test:mutation`: running only these keeps a mutation run practical on a small machine.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/verify/**/*.test.ts',
      'test/unit/redis-unavailable.test.ts',
      'test/unit/store/**/*.test.ts',
      'test/unit/callback-allowed.test.ts',
      'test/integration/jira/summary-shape.test.ts',
      'test/integration/errors/**/*.test.ts',
      'test/unit/domain/**/*.test.ts',
      'test/unit/config/templates-in-config.test.ts',
      'test/integration/conductorone-webhook.test.ts',
      'test/integration/conductorone-outages.test.ts',
      'test/integration/callbacks/**/*.test.ts',
      'test/integration/failures/callback-landed.test.ts',
      // The jobs and stores that desk events, create failures, pacing and reconciliation run through.
      'test/integration/failures/create-failure.test.ts',
      'test/integration/jira/desk-events.test.ts',
      'test/integration/jira/create-index-lag.test.ts',
      'test/integration/servicenow/desk-events.test.ts',
      'test/integration/pace/**/*.test.ts',
      'test/integration/reconcile/**/*.test.ts',
      'test/integration/records-retention.test.ts',
      'test/integration/health-metrics.test.ts',
      'test/integration/route-conditions.test.ts',
      'test/integration/verify/**/*.test.ts',
      'test/integration/jira/round-trip.test.ts',
      'test/integration/servicenow/round-trip.test.ts',
      'test/integration/admin.test.ts',
      // The desks: Jira Data Center, JSM, requested-for, approval routes and their loops.
      'test/unit/desks/**/*.test.ts',
      'test/unit/config/approval-routes.test.ts',
      'test/unit/config/mistakes.test.ts',
      'test/integration/jira-dc/**/*.test.ts',
      'test/integration/jira/requested-for.test.ts',
      'test/integration/jsm/jsm-requests.test.ts',
      'test/integration/approvals/jira-approval-loop.test.ts',
      'test/integration/approvals/dc-approval-loop.test.ts',
      'test/integration/approvals/dc-approvals.test.ts',
      'test/integration/check-online.test.ts',
    ],
    // A mutant that makes a test wait for something that never comes should cost seconds, not the default 20 s.
    testTimeout: 12_000,
    hookTimeout: 12_000,
    pool: 'forks',
  },
});
