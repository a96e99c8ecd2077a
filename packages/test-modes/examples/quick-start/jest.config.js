/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  globalSetup: '@proving-ground/test-modes/global-setup',
  setupFiles: ['@proving-ground/test-modes/setup'],
};
