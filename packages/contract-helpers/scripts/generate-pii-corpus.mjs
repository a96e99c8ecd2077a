/**
 * Writes test/fixtures/pii-corpus.json: the labelled corpus the PII detectors are measured on.
 * Deterministic (seeded), so the committed file can be regenerated and reviewed. Labels come from
 * how each sample is built, never from the detectors. Positives cover every category; hard
 * negatives are values real payloads and logs are full of that naive detectors flag: timestamps,
 * UUIDs, order numbers (some pass the Luhn check), version strings, hashes, and near misses
 * (bad checksums, impossible SSNs, loopback addresses).
 *
 * @example
 * node scripts/generate-pii-corpus.mjs
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const phones = require('libphonenumber-js/max');
const phoneExamples = require('libphonenumber-js/mobile/examples');

let state = 20261108;
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const int = (low, high) => low + Math.floor(random() * (high - low + 1));
const pick = (list) => list[int(0, list.length - 1)];
const digits = (count) => Array.from({ length: count }, () => int(0, 9)).join('');
const alnum = (count, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') =>
  Array.from({ length: count }, () => alphabet[int(0, alphabet.length - 1)]).join('');
const hex = (count) => alnum(count, '0123456789abcdef');

function luhnDigit(body) {
  let sum = 0;
  let double = true;
  for (let index = body.length - 1; index >= 0; index--) {
    let digit = Number(body[index]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}
const luhnNumber = (prefix, length) => {
  const body = prefix + digits(length - prefix.length - 1);
  return body + luhnDigit(body);
};

function ibanFor(country, bban) {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (char) => String(char.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of rearranged) remainder = (remainder * 10 + Number(digit)) % 97;
  return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}
const grouped = (text, size = 4, separator = ' ') => text.match(new RegExp(`.{1,${size}}`, 'g')).join(separator);

const samples = [];
const add = (labels, text, key) =>
  samples.push({
    id: `${labels.length === 0 ? 'n' : 'p'}${String(samples.length + 1).padStart(3, '0')}`,
    text,
    ...(key === undefined ? {} : { key }),
    labels,
  });

// ---- positives ----
const firstNames = ['jane', 'omar', 'li.wei', 'maria', 'k.okafor', 'anna-lena', 'joao', 'priya', 'sam', 'ines', 'dmitri', 'aiko'];
const domains = ['corp.example', 'gmail.com', 'mail.co.uk', 'example.org', 'uni-heidelberg.de', 'outlook.fr', 'company.io', 'startup.dev'];
for (let index = 0; index < 26; index++) {
  const email = `${pick(firstNames)}${index % 3 === 0 ? `+${pick(['orders', 'test', 'news'])}` : ''}${index % 4 === 0 ? int(1, 99) : ''}@${pick(domains)}`;
  const form = index % 4;
  if (form === 0) add(['email'], email);
  else if (form === 1) add(['email'], `Ticket reopened by ${email} at 10:42`);
  else if (form === 2) add(['email'], email, pick(['email', 'contact', 'replyTo', 'owner']));
  else add(['email'], `{"level":30,"msg":"password reset","to":"${email}"}`);
}

const countries = [
  'US',
  'GB',
  'DE',
  'FR',
  'IN',
  'BR',
  'JP',
  'AU',
  'CA',
  'ES',
  'IT',
  'NL',
  'MX',
  'ZA',
  'SE',
  'PL',
  'CH',
  'IE',
  'SG',
  'NG',
  'KR',
  'BE',
  'AT',
  'NZ',
];
let phoneCount = 0;
for (const country of countries) {
  const example = phones.getExampleNumber(country, phoneExamples);
  let number = example;
  for (let attempt = 0; attempt < 20; attempt++) {
    const national = example.nationalNumber;
    const candidate = phones.parsePhoneNumberFromString(`+${example.countryCallingCode}${national.slice(0, -3)}${digits(3)}`);
    if (candidate?.isValid()) {
      number = candidate;
      break;
    }
  }
  const text = phoneCount % 2 === 0 ? number.formatInternational() : number.number;
  add(
    ['phone'],
    phoneCount % 3 === 0 ? `Call me back on ${text} after 5pm` : text,
    phoneCount % 3 === 1 ? pick(['phone', 'mobile', 'contact']) : undefined,
  );
  phoneCount++;
}
for (let index = 0; index < 8; index++) {
  let number;
  do
    number = phones.parsePhoneNumberFromString(
      `+1${pick(['212', '415', '617', '312', '206', '512', '303', '646'])}${int(2, 9)}${digits(6)}`,
    );
  while (!number.isValid());
  const national = number.formatNational();
  const forms = [national, national.replace(/[()]/g, '').replace(' ', '-'), national.replace(/[()]/g, '').replace(/[ -]/g, '.')];
  add(['phone'], index % 2 === 0 ? `customer phone ${pick(forms)}` : pick(forms), index % 2 === 0 ? undefined : 'phoneNumber');
}

const issuers = [
  ['4', 16],
  ['4', 16],
  ['4', 13],
  ['51', 16],
  ['53', 16],
  ['55', 16],
  ['2221', 16],
  ['2720', 16],
  ['2345', 16],
  ['34', 15],
  ['37', 15],
  ['6011', 16],
  ['65', 16],
  ['3530', 16],
  ['3589', 16],
  ['36', 14],
  ['62', 16],
  ['4', 19],
  ['6759', 16],
  ['2200', 16],
];
let cardIndex = 0;
for (const [prefix, length] of [...issuers, ...issuers.slice(0, 12)]) {
  const number = luhnNumber(prefix, length);
  const spaced =
    length === 15 ? `${number.slice(0, 4)} ${number.slice(4, 10)} ${number.slice(10)}` : length === 16 ? grouped(number) : number;
  const form = cardIndex % 5;
  if (form === 0) add(['card'], number);
  else if (form === 1) add(['card'], `Paid with card ${spaced}`);
  else if (form === 2) add(['card'], spaced.replace(/ /g, '-'), pick(['cardNumber', 'pan', 'card']));
  else if (form === 3) add(['card'], `{"event":"charge.failed","source":"${number}"}`);
  else add(['card'], spaced);
  cardIndex++;
}

const bbans = {
  DE: () => digits(18),
  GB: () => `${pick(['NWBK', 'BARC', 'MIDL', 'LOYD'])}${digits(14)}`,
  FR: () => digits(23),
  ES: () => digits(20),
  IT: () => `X${digits(22)}`,
  NL: () => `${pick(['ABNA', 'INGB', 'RABO'])}${digits(10)}`,
  BE: () => digits(12),
  CH: () => digits(17),
  AT: () => digits(16),
  PL: () => digits(24),
  SE: () => digits(20),
  IE: () => `${pick(['AIBK', 'BOFI'])}${digits(14)}`,
  PT: () => digits(21),
  NO: () => digits(11),
  DK: () => digits(14),
  FI: () => digits(14),
};
let ibanIndex = 0;
for (const country of [...Object.keys(bbans), 'DE', 'GB', 'FR', 'NL', 'ES']) {
  const iban = ibanFor(country, bbans[country]());
  const form = ibanIndex % 3;
  add(['iban'], form === 0 ? iban : form === 1 ? `Refund to ${grouped(iban)} please` : grouped(iban), form === 2 ? 'iban' : undefined);
  ibanIndex++;
}

for (let index = 0; index < 16; index++) {
  let area;
  do area = int(1, 899);
  while (area === 666);
  const ssn = `${String(area).padStart(3, '0')}-${String(int(1, 99)).padStart(2, '0')}-${String(int(1, 9999)).padStart(4, '0')}`;
  const form = index % 4;
  if (form === 0) add(['ssn'], `SSN ${ssn} on file`);
  else if (form === 1) add(['ssn'], ssn);
  else if (form === 2) add(['ssn'], ssn.replace(/-/g, ''), pick(['ssn', 'social_security_number']));
  else add(['ssn'], `applicant ssn: ${ssn}`);
}

for (let index = 0; index < 16; index++) {
  const ip =
    index % 3 === 0
      ? `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`
      : index % 3 === 1
        ? `192.168.${int(0, 255)}.${int(1, 254)}`
        : `${pick([81, 93, 151, 185, 203, 198, 62, 24])}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  add(
    ['ipv4'],
    index % 2 === 0 ? `login from ${ip} accepted` : ip,
    index % 4 === 1 ? pick(['clientIp', 'remoteAddress', 'ip']) : undefined,
  );
}

const v6 = () => [
  `2001:db8:${hex(4)}::${hex(3)}:${hex(4)}`,
  `fe80::${hex(3)}:${hex(4)}:${hex(4)}:${hex(4)}`,
  `2a02:${hex(4)}:${hex(4)}:${hex(4)}:${hex(4)}:${hex(4)}:${hex(4)}:${hex(4)}`,
  `2606:4700::${hex(4)}`,
];
for (let index = 0; index < 12; index++) add(['ipv6'], index % 2 === 0 ? `request from ${pick(v6())} rejected` : pick(v6()));

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
for (let index = 0; index < 11; index++) {
  const token = `${b64({ alg: pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' })}.${b64({ sub: digits(8), iat: 1731000000 + index, name: 'x' })}.${alnum(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}`;
  add(['jwt'], index % 2 === 0 ? token : `session=${token}; Path=/; HttpOnly`);
}

const secretMakers = [
  () => `AKIA${alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
  () => `ghp_${alnum(36)}`,
  () => `github_pat_${alnum(22)}_${alnum(59)}`,
  () => `xoxb-${digits(11)}-${digits(12)}-${alnum(24)}`,
  () => `sk_live_${alnum(24)}`,
  () => `sk-proj-${alnum(48)}`,
  () => `AIza${alnum(35, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}`,
  () => `glpat-${alnum(20)}`,
  () => `npm_${alnum(36)}`,
  () => `-----BEGIN RSA PRIVATE KEY-----\nMIIEow${alnum(40)}\n-----END RSA PRIVATE KEY-----`,
  () => `Authorization: Bearer ${alnum(40)}`,
  () => `postgres://app:${alnum(12)}@db.internal:5432/orders`,
];
for (let index = 0; index < 24; index++) {
  const secret = secretMakers[index % secretMakers.length]();
  add(['secret'], index % 3 === 0 ? `config loaded: ${secret}` : secret);
}
for (const [key, value] of [
  ['password', 'hunter2!x'],
  ['client_secret', alnum(32)],
  ['apiKey', alnum(24)],
  ['passwd', 'Summer2024!'],
  ['secret', alnum(16)],
  ['refresh_token', alnum(40)],
]) {
  add(['secret'], value, key);
}
for (const [key, value] of [
  ['dob', '1985-04-12'],
  ['dateOfBirth', '1990-12-01'],
  ['birth_date', '07/23/1978'],
  ['birthday', '2001-02-28'],
  ['dob', '12.03.1969'],
  ['date_of_birth', '1955-06-30'],
  ['birthDate', '1999-09-09'],
  ['DOB', '03/15/1982'],
]) {
  add(['date-of-birth'], value, key);
}
for (const [key, value] of [
  ['firstName', 'Jane'],
  ['last_name', "O'Connor"],
  ['fullName', 'Priya Raghunathan'],
  ['surname', 'Müller'],
  ['given_name', 'Aiko'],
  ['familyName', 'Okafor'],
  ['cardholderName', 'Maria Santos'],
  ['middle_name', 'Lee'],
]) {
  add(['name'], value, key);
}
for (const [key, value] of [
  ['address', '221B Baker Street, London NW1 6XE'],
  ['street', '1600 Amphitheatre Pkwy'],
  ['address_line1', 'Hauptstraße 5'],
  ['shippingAddress', '12 Rue de Rivoli, 75001 Paris'],
  ['billing_address', '350 Fifth Avenue, New York, NY 10118'],
  ['homeAddress', 'Flat 3, 14 Queen St, Dublin 7'],
  ['streetAddress', '742 Evergreen Terrace'],
  ['mailing_address', 'PO Box 1234, Austin TX 78701'],
]) {
  add(['address'], value, key);
}

// ---- hard negatives ----
const base = 1_600_000_000;
for (let index = 0; index < 14; index++) {
  const seconds = base + int(0, 200_000_000);
  const ms = seconds * 1000 + int(0, 999);
  const micros = `${ms}${digits(3)}`;
  add([], String(ms));
  add([], `took ${int(1, 900)}ms at ts=${ms}`);
  add([], String(index % 2 === 0 ? seconds : micros), pick(['createdAt', 'updated_at', 'ts', 'timestamp']));
}
for (let index = 0; index < 10; index++) {
  const date = new Date((base + int(0, 200_000_000)) * 1000);
  add([], index % 2 === 0 ? date.toISOString() : `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)} INFO started`);
}
for (let index = 0; index < 30; index++) {
  const uuid = `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${index % 3 === 0 ? digits(12) : hex(12)}`;
  add([], index % 3 === 1 ? `request ${uuid} finished` : uuid, index % 3 === 2 ? pick(['id', 'requestId', 'tenant_id']) : undefined);
}
for (let index = 0; index < 40; index++) {
  const form = index % 8;
  if (form === 0)
    add([], `ORD-${2024 + (index % 3)}${String(int(1, 12)).padStart(2, '0')}${String(int(1, 28)).padStart(2, '0')}-${digits(5)}`);
  else if (form === 1) add([], `Order #${luhnNumber('4', 16)} shipped`);
  else if (form === 2)
    add([], luhnNumber(pick(['4', '51', '37']), pick([16, 15])), pick(['orderId', 'order_number', 'invoiceNo', 'trackingNumber']));
  else if (form === 3) add([], `invoice ${digits(3)}-${digits(2)}-${digits(5)} paid`);
  else if (form === 4) add([], `PO-${digits(4)}-${digits(4)}`);
  else if (form === 5) add([], `Tracking: 1Z${alnum(6, 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789')}${digits(10)}`);
  else if (form === 6) add([], Number(digits(1).replace('0', '7') + digits(int(5, 9))), pick(['orderId', 'count', 'total_cents']));
  else add([], `ref ${luhnNumber('5', 16)}`);
}
for (let index = 0; index < 30; index++) {
  const form = index % 6;
  if (form === 0) add([], `${int(0, 12)}.${int(0, 30)}.${int(0, 99)}`);
  else if (form === 1) add([], `v${int(1, 9)}.${int(0, 20)}.${int(0, 9)}.${int(0, 99)}`);
  else if (form === 2)
    add([], `${int(1, 20)}.${int(0, 9)}.${int(0, 9)}.${int(0, 255)}`, pick(['version', 'appVersion', 'firmware_version']));
  else if (form === 3) add([], `node/${int(18, 24)}.${int(0, 20)}.${int(0, 9)} linux-x64`);
  else if (form === 4) add([], `build 2026.${String(int(1, 12)).padStart(2, '0')}${String(int(1, 28)).padStart(2, '0')}.${digits(4)}`);
  else add([], `Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/${int(100, 140)}.0.${digits(4)}.${int(10, 200)}`);
}
for (let index = 0; index < 40; index++) {
  const form = index % 6;
  if (form === 0) add([], hex(32));
  else if (form === 1) add([], `sha1 ${hex(40)}`);
  else if (form === 2) add([], hex(64), pick(['etag', 'checksum', 'sha256', 'digest']));
  else if (form === 3) add([], `commit ${hex(7)} merged`);
  else if (form === 4) add([], `sha256-${Buffer.from(hex(32), 'hex').toString('base64')}`);
  else add([], digits(int(20, 40)));
}
const nearMisses = [
  () => `4111 1111 1111 1112`,
  () => `${luhnNumber('4', 16).slice(0, 15)}${(Number(luhnNumber('4', 16).slice(15)) + 1) % 10}`,
  () => `${luhnNumber('9', 16)}`,
  () => `DE${digits(20)}`,
  () => `000-12-3456`,
  () => `666-45-6789`,
  () => `123-45-678`,
  () => `127.0.0.1:${int(1024, 65000)}`,
  () => `0.0.0.0`,
  () => `::1`,
  () => `12:30:45`,
  () => `${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}`.toUpperCase(),
  () => `icon@2x.png`,
  () => `npm install @scope/pkg@1.2.3`,
  () => `user@localhost`,
  () => `price 1234.56 EUR`,
  () => `ISBN 978-3-16-148410-0`,
  () => `lat 52.520008, lon 13.404954`,
  () => `ratio 16:9`,
  () => `${int(10000, 99999)}-${int(1000, 9999)}`,
  () => `std::vector<int>`,
  () => `page 1 of 12, 25 per page`,
  () => `eyJhbGciOiJIUzI1NiJ9`,
  () => `sk-short`,
  () => `${digits(3)} ${digits(3)} ${digits(3)}`,
];
for (let index = 0; index < 50; index++) add([], nearMisses[index % nearMisses.length]());
for (const [key, value] of [
  ['pageToken', alnum(24)],
  ['productName', 'Widget Pro 2000'],
  ['name', 'support-desk'],
  ['tokensUsed', '1532'],
  ['status', 'shipped'],
  ['description', 'Reset your password from the settings page'],
  ['email_verified', 'true'],
  ['phoneType', 'mobile'],
  ['ssn_last_checked', '2026-01-05'],
  ['address_count', '3'],
]) {
  add([], value, key);
}

const positives = samples.filter((sample) => sample.labels.length > 0).length;
const negatives = samples.length - positives;
writeFileSync(
  new URL('../test/fixtures/pii-corpus.json', import.meta.url),
  `${JSON.stringify({ positives, negatives, samples }, null, 1)}\n`,
);
console.log(`wrote ${samples.length} samples: ${positives} positives, ${negatives} hard negatives`);
