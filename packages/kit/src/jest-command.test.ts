import { describe, expect, it } from '@jest/globals';
import { jestCommand } from './jest-command.js';

describe('jestCommand', () => {
  it('should be plain npx jest for a CommonJS run', () => {
    expect(jestCommand({ execArgv: [], env: {} })).toBe('npx jest');
    expect(jestCommand({ execArgv: ['--max-old-space-size=4096'], env: { NODE_OPTIONS: '--enable-source-maps' } })).toBe('npx jest');
  });

  it('should turn native ES modules on when the run had them, from the flags or from NODE_OPTIONS', () => {
    expect(jestCommand({ execArgv: ['--experimental-vm-modules'], env: {} })).toBe('NODE_OPTIONS=--experimental-vm-modules npx jest');
    expect(jestCommand({ execArgv: [], env: { NODE_OPTIONS: '--experimental-vm-modules' } })).toBe(
      'NODE_OPTIONS=--experimental-vm-modules npx jest',
    );
  });

  it("should keep the run's other NODE_OPTIONS with the flag, quoted for the shell", () => {
    expect(jestCommand({ execArgv: [], env: { NODE_OPTIONS: '--max-old-space-size=8192 --experimental-vm-modules' } })).toBe(
      "NODE_OPTIONS='--max-old-space-size=8192 --experimental-vm-modules' npx jest",
    );
    expect(jestCommand({ execArgv: [], env: { NODE_OPTIONS: "--experimental-vm-modules --title=it's" } })).toBe(
      "NODE_OPTIONS='--experimental-vm-modules --title=it'\\''s' npx jest",
    );
  });
});
