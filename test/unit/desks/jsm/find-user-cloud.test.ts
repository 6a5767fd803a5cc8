import { describe, expect, it } from 'vitest';
import { createCloudUserFinder, pickCloudUser } from '../../../../src/desks/jira/find-user-cloud.ts';

const jane = { accountId: 'acc-jane', accountType: 'atlassian', emailAddress: 'jane.doe@acme.com', active: true };

describe('the task user on Jira Cloud, by email', () => {
  it('takes the hit whose email equals the email (ignoring case), not a prefix match', () => {
    expect(pickCloudUser('Jane.Doe@acme.com', [{ ...jane, accountId: 'acc-prefix', emailAddress: 'jane.doe@acme.com.au' }, jane])).toEqual({ accountId: 'acc-jane' });
  });
  it('an email hidden by profile visibility cannot be confirmed: not found, saying why', () => {
    expect(pickCloudUser('jane.doe@acme.com', [{ accountId: 'acc-jane', accountType: 'atlassian', active: true }])).toEqual({ reason: 'Jira hides the email of the user(s) it found for jane.doe@acme.com (profile visibility), so none can be confirmed' });
  });
  it('ignores app accounts and inactive users; two people with one email are not guessed between', () => {
    expect(pickCloudUser('jane.doe@acme.com', [{ ...jane, accountType: 'app' }, { ...jane, active: false }])).toEqual({ reason: 'no active Jira user has the email jane.doe@acme.com' });
    expect(pickCloudUser('jane.doe@acme.com', [jane, { ...jane, accountId: 'acc-2', accountType: 'customer' }])).toEqual({ reason: 'several active Jira users have the email jane.doe@acme.com' });
    expect(pickCloudUser('jane.doe@acme.com', [{ ...jane, accountType: 'customer' }])).toEqual({ accountId: 'acc-jane' });
  });
  it('caches found and not found per process, each for its time', async () => {
    let now = 0;
    const asked: string[] = [];
    const find = createCloudUserFinder(async (email) => {
      asked.push(email);
      return email.startsWith('jane') ? [jane] : [];
    }, () => now);
    expect(await find('jane.doe@acme.com')).toEqual({ accountId: 'acc-jane' });
    expect(await find('JANE.DOE@acme.com ')).toEqual({ accountId: 'acc-jane' });
    expect((await find('ghost@acme.com')).accountId).toBeUndefined();
    expect((await find('ghost@acme.com')).accountId).toBeUndefined();
    expect(asked).toEqual(['jane.doe@acme.com', 'ghost@acme.com']);
    now = 5 * 60 * 1000 + 1;
    await find('ghost@acme.com');
    await find('jane.doe@acme.com');
    expect(asked).toEqual(['jane.doe@acme.com', 'ghost@acme.com', 'ghost@acme.com']);
  });
  it('no email from ConductorOne asks nothing', async () => {
    const find = createCloudUserFinder(() => Promise.reject(new Error('must not be called')));
    expect(await find(undefined)).toEqual({ reason: 'ConductorOne sent no email for the user' });
    expect(await find(' ')).toEqual({ reason: 'ConductorOne sent no email for the user' });
  });
});
