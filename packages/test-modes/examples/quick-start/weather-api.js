const http = require('node:http');

/** A stand-in for the service under test: a real HTTP server on 127.0.0.1. */
async function startWeatherApi() {
  const server = http.createServer((request, response) => {
    const city = new URL(request.url, 'http://localhost').searchParams.get('city');
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ city, celsius: city === 'Oslo' ? 4 : 7 }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

module.exports = { startWeatherApi };
