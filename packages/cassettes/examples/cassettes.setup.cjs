// jest.config.js: setupFiles: ['@proving-ground/test-modes/setup'], setupFilesAfterEnv: ['./cassettes.setup.cjs']
const { setupCassettes } = require('@proving-ground/cassettes');

setupCassettes({
  hosts: ['users.test'], // only these hosts use cassettes; everything else is left to the network guard
  strict: process.env.STRICT === '1', // fail tests that leave recorded interactions unused
});
