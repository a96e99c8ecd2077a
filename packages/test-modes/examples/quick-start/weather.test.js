const { live, whenMode, networkGuard } = require('@proving-ground/test-modes');
const { startWeatherApi } = require('./weather-api.js');

let api;
beforeAll(async () => {
  api = await startWeatherApi();
});
afterAll(() => api.close());

test('reads the forecast from a local server (runs in mock and golden)', async () => {
  const response = await fetch(`${api.url}/forecast?city=Oslo`);

  expect(await response.json()).toEqual({ city: 'Oslo', celsius: 4 });
});

test('a call to the real internet fails the test instead of leaving the machine', async () => {
  const baseUrl = whenMode({ mock: 'https://weather.example.com', default: api.url });

  const outcome = await fetch(`${baseUrl}/forecast?city=Oslo`).then(
    () => 'answered',
    (error) => error.cause.code,
  );

  expect(outcome).toBe(whenMode({ mock: 'TEST_MODES_NETWORK_BLOCKED', default: 'answered' }));
  networkGuard().takeViolations(); // this test expected the block; don't fail it afterwards
});

live.test('talks to the real service (runs only with TEST_MODE=live_smoke)', async () => {
  const response = await fetch(`${api.url}/forecast?city=Bergen`);

  expect(response.status).toBe(200);
});
