import { describe, expect, it } from '@jest/globals';
import { dashboardMain } from './dashboard-script.js';
import { scriptSafeJson } from './dashboard.js';

describe('the dashboard page', () => {
  it('should embed JSON that no text can end or comment out, and that parses back unchanged', () => {
    const value = { name: '</script><script>alert(1)</script><!-- & \u2028\u2029 -->' };

    const text = scriptSafeJson(value);

    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('should inline a script that holds nothing the HTML parser would end it at', () => {
    expect(String(dashboardMain)).not.toMatch(/<\/script|<!--/i);
  });
});
