/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  transform: {},
  setupFiles: ['@proving-ground/test-modes/setup'],
};
