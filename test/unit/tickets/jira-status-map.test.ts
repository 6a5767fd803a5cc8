import { describe, expect, it } from 'vitest';
import { jiraOutcome } from '../../../src/desks/jira/jira-outcome.ts';

// Status maps as ConductorOne's own "mark complete / mark errored" (issue 15 point 4): names of statuses or of
// resolutions, compared ignoring case; a status in neither list leaves the task open; the default is contract §6.
const ERRORED = ["Won't Do", 'Declined'];
const MAP = { complete: ['Access granted', 'Fixed'], errored: ['Access refused', 'Duplicate'] };

describe('a Jira status map', () => {
  it('completes or errors by status name, ignoring case, whatever the category', () => {
    expect(jiraOutcome({ status: 'access GRANTED', statusCategory: 'indeterminate' }, ERRORED, MAP)).toMatchObject({ final: true, outcome: 'complete' });
    expect(jiraOutcome({ status: 'Access refused', statusCategory: 'new' }, ERRORED, MAP)).toMatchObject({ final: true, outcome: 'errored' });
  });

  it('completes or errors by resolution name as well', () => {
    expect(jiraOutcome({ status: 'Closed', statusCategory: 'done', resolution: 'fixed' }, ERRORED, MAP)).toMatchObject({ final: true, outcome: 'complete', resolution: 'fixed' });
    expect(jiraOutcome({ status: 'Closed', statusCategory: 'done', resolution: 'Duplicate' }, ERRORED, MAP)).toMatchObject({ final: true, outcome: 'errored' });
  });

  it('leaves anything else open, a Done category included; erroredResolutions no longer apply', () => {
    expect(jiraOutcome({ status: 'Done', statusCategory: 'done', resolution: 'Done' }, ERRORED, MAP)).toEqual({ final: false, status: 'Done', resolution: 'Done' });
    expect(jiraOutcome({ status: 'Done', statusCategory: 'done', resolution: 'Declined' }, ERRORED, MAP)).toEqual({ final: false, status: 'Done', resolution: 'Declined' });
  });

  it('errors when a name is in both lists', () => {
    expect(jiraOutcome({ status: 'Fixed', statusCategory: 'done' }, ERRORED, { complete: ['Fixed'], errored: ['fixed'] })).toMatchObject({ final: true, outcome: 'errored' });
  });

  it('without a map: category Done completes, unless its resolution or status is an errored resolution', () => {
    expect(jiraOutcome({ status: 'Done', statusCategory: 'done', resolution: 'Done' }, ERRORED)).toMatchObject({ final: true, outcome: 'complete' });
    expect(jiraOutcome({ status: 'Done', statusCategory: 'done', resolution: "won't do" }, ERRORED)).toMatchObject({ final: true, outcome: 'errored' });
    expect(jiraOutcome({ status: 'Declined', statusCategory: 'done' }, ERRORED)).toMatchObject({ final: true, outcome: 'errored' });
    expect(jiraOutcome({ status: 'Access granted', statusCategory: 'indeterminate' }, ERRORED)).toEqual({ final: false, status: 'Access granted' });
  });
});
