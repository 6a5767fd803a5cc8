import { describe, expect, it } from 'vitest';
import { allPages } from '../../../../src/desks/jira/service-desk/jsm-api.ts';
import { jsmRequestStatus } from '../../../../src/desks/jira/service-desk/request-status.ts';
import { missingRequiredFields } from '../../../../src/desks/jira/service-desk/request-type-fields.ts';

const FIELDS = [
  { fieldId: 'summary', name: 'Summary', required: true },
  { fieldId: 'description', name: 'Description', required: true },
  { fieldId: 'customfield_10050', name: 'Application', required: true },
  { fieldId: 'customfield_10060', name: 'Notes', required: false },
];

describe('required request type fields a route leaves empty', () => {
  it('lists required fields not given or blank; summary and description are filled by default', () => {
    expect(missingRequiredFields(FIELDS, {}).map((field) => field.fieldId)).toEqual(['customfield_10050']);
    expect(missingRequiredFields(FIELDS, { customfield_10050: '  ', summary: '' }).map((field) => field.fieldId)).toEqual(['summary', 'customfield_10050']);
    expect(missingRequiredFields(FIELDS, { customfield_10050: '{{ app.name }}' })).toEqual([]);
  });
});

describe("a request's status", () => {
  it('reads JSM upper-case categories as the platform lower-case ones', () => {
    expect(jsmRequestStatus({ currentStatus: { status: 'Resolved', statusCategory: 'DONE' } }, 'Done', ['Declined'])).toEqual({ final: true, outcome: 'complete', status: 'Resolved', resolution: 'Done' });
    expect(jsmRequestStatus({ currentStatus: { status: 'Declined', statusCategory: 'DONE' } }, null, ['Declined'])).toMatchObject({ final: true, outcome: 'errored' });
    expect(jsmRequestStatus({ currentStatus: { status: 'Waiting for support', statusCategory: 'INDETERMINATE' } }, undefined, [])).toEqual({ final: false, status: 'Waiting for support' });
    expect(jsmRequestStatus({ currentStatus: { status: 'Odd', statusCategory: 'UNDEFINED' } }, undefined, []).final).toBe(false);
    expect(jsmRequestStatus({}, undefined, []).final).toBe(false);
  });
});

describe('JSM paging', () => {
  it('follows start until isLastPage, and stops on an empty page not marked last', async () => {
    const starts: number[] = [];
    const values = await allPages(async (start) => {
      starts.push(start);
      return start === 0 ? { values: [1, 2], isLastPage: false } : start === 2 ? { values: [3], isLastPage: false } : { values: [], isLastPage: false };
    });
    expect(values).toEqual([1, 2, 3]);
    expect(starts).toEqual([0, 2, 3]);
  });
});
