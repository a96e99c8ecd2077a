// Preloaded into every Jest run the integration tests start: if the guard under test ever lets a
// connection through, the name lookup fails here instead of reaching a real DNS server. Loopback
// names resolve as usual. This does not change what the guard sees: it intercepts before lookup.
const dns = require('node:dns');

const isLocal = (hostname) => hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\./.test(hostname) || hostname === '::1';

const refusal = (hostname) =>
  Object.assign(new Error(`[safety net] DNS lookup of ${hostname} refused: a connection got past the guard under test`), {
    code: 'ENOTFOUND',
  });

const originalLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  if (!isLocal(String(hostname))) return process.nextTick(() => done(refusal(hostname)));
  return originalLookup.call(this, hostname, options, callback);
};

const originalPromiseLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, options) {
  if (!isLocal(String(hostname))) throw refusal(hostname);
  return originalPromiseLookup.call(this, hostname, options);
};
