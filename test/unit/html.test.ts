import { describe, expect, it } from 'vitest';
import { escapeHtml, html, page } from '../../src/http/html.ts';

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const hostile = `"><img src=x onerror=alert(1)>'&`;
    expect(html`<p title="${hostile}">${hostile}</p>`.markup).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;</p>',
    );
  });

  it('keeps markup made by html as markup, joins lists and leaves out undefined, null and false', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${undefined}${null}${false}${0}`.markup).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });

  it('does not take a look-alike object for markup', () => {
    expect(html`${{ markup: 1 }}`.markup).toBe('[object Object]');
    expect(escapeHtml('<>')).toBe('&lt;&gt;');
  });

  it('gives a page a script only when it has a live region to refresh', () => {
    expect(page({ title: 't', heading: 'h', body: html`<p>x</p>` })).not.toContain('<script');
    const live = page({ title: 't', heading: 'h', body: html`<div id="live"></div>`, liveUrl: '/x</script><script>alert(1)//' });
    expect(live).toContain('"/x\\u003c/script>\\u003cscript>alert(1)//"');
    expect(live.match(/<script>/g)).toHaveLength(1);
  });
});
