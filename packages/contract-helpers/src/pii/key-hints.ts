import type { PiiCategory } from './pii-categories.js';
import { cardNetwork, luhnValid } from './payment-card.js';

/** A property name that says what its value holds, and what such a value must look like. */
export interface KeyHint {
  /** Whether a property name (as written) gives this hint. */
  matches(key: string): boolean;
  category: PiiCategory;
  accepts(value: string): boolean;
  risk: number;
}

/** A property name as key hints compare it: lower case, without `-`, `_`, `.` or spaces. */
export const normaliseKey = (key: string): string => key.toLowerCase().replace(/[-_\s.]/g, '');

const byNormalisedKey =
  (pattern: RegExp) =>
  (key: string): boolean =>
    pattern.test(normaliseKey(key));

/** Property names (normalised) that hold a card number whatever object they sit in. */
export const CARD_NUMBER_KEY = /^(?:cardnumber|creditcard|creditcardnumber|ccnumber|pan|cardno|primaryaccountnumber)$/;

const MONTH =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)';

/** A calendar date as people and APIs write one: ISO, day/month/year with `/`, `.` or `-`, or with a month name. */
export const DATE_SOURCE = `(?:\\d{4}-\\d{1,2}-\\d{1,2}(?:T[\\d:.]+(?:Z|[+-]\\d{2}:?\\d{2})?)?|\\d{1,2}[-/.]\\d{1,2}[-/.](?:\\d{4}|\\d{2})|\\d{1,2}(?:st|nd|rd|th|er)?\\.?\\s+${MONTH}\\.?,?\\s+\\d{4}|${MONTH}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4})`;
const DATE_VALUE = new RegExp(`^${DATE_SOURCE}$`);

/** A person's name as a value: letters (any script, with combining marks), spaces, apostrophes, dots, hyphens. */
const PERSON_NAME_VALUE = /^\p{L}[\p{L}\p{M}'’ .-]{1,80}$/u;

// Prefixes that make a bare `name` (or `customer.name`, `recipientName`) a person's name; `userName`
// is an account handle and `productName`, `companyName`, `hostName` are not people, so only these count.
const PERSON_PREFIX =
  '(?:customer|client|recipient|contact|patient|employee|guest|passenger|traveller|traveler|beneficiary|sender|receiver|applicant|member|payee|payer|holder|cardholder|accountholder|billing|shipping|delivery|person|owner|buyer|student|driver|emergencycontact|spouse|parent|guardian|insured|policyholder)';
const NAME_PART = '(?:firstname|lastname|fullname|givenname|familyname|surname|middlename|maidenname|legalname|forename)';

// Prefixes that make `address` a postal address; `emailAddress`, `ipAddress`, `remoteAddress`,
// `macAddress`, `walletAddress` and `listenAddress` are not, so again only these count.
const POSTAL_PREFIX =
  '(?:home|postal|mailing|billing|shipping|delivery|residential|street|customer|permanent|current|previous|registered|physical|invoice|correspondence|pickup|dropoff|recipient|contact|patient|employee|guest|private)';

// A value that stands for a secret without being one: a placeholder, an environment reference, a
// boolean, nothing at all, elided (`password=${DB_PASSWORD}`, `"token": "<token>"`, `passwd=false`, `whsec_...`),
// or already redacted in any case (`token=[redacted]`, `password=REDACTED`), as a JSON value's placeholder may be.
const NOT_A_SECRET =
  /^(?:\$\{?[\w.]+\}?|%[\w.]+%|<[^>]*>|\{\{[^}]*\}\}|\[redacted(?::[a-z-]+)?\]|redacted|hidden|masked|true|false|null|nil|none|undefined|changeme|\*+|x+|\.+|.*(?:\.{3}|…|x{4,}|\*{3,}))$/i;

// Words that name a secret when they end a property name (`db_pass`, `smtpPassword`,
// `aws_secret_access_key`, `webhookSigningSecret`), and the words before `pass` that make it a ticket
// (`boardingPass`) rather than a password.
const SECRET_LAST_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode', 'secret', 'credential', 'credentials']);
const SECRET_SUFFIX =
  /(?:secretaccesskey|secretkey|apikey|apisecret|apitoken|clientsecret|privatekey|signingkey|signingsecret|webhooksecret|encryptionkey|masterkey|accesstoken|refreshtoken|idtoken|authtoken|sessiontoken|bearertoken|secrettoken|authorization)$/;
const NOT_A_PASSWORD_PASS = new Set(['boarding', 'season', 'bus', 'hall', 'day', 'first', 'second', 'single', 'multi']);

/** The words of a property name as written: `awsSecretAccessKey`, `AWS_SECRET_ACCESS_KEY` and `db-pass` alike. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\d]+/)
    .filter((word) => word !== '');
}

/**
 * Whether a property name says its value is a secret: a password (`password`, `pass`, `passwd`,
 * `dbPassword`), a key (`apiKey`, `aws_secret_access_key`), a token (`accessToken`, `token`) or a
 * signing secret. `passwordPolicy`, `tokenType`, `secretName` and `boardingPass` are not.
 *
 * @param key - the property name, as written
 * @example
 * isSecretKey('AWS_SECRET_ACCESS_KEY') // true
 */
export function isSecretKey(key: string): boolean {
  const normalised = normaliseKey(key);
  if (SECRET_EXACT.test(normalised) || SECRET_SUFFIX.test(normalised)) return true;
  const words = keyWords(key);
  const last = words.at(-1);
  if (last === undefined || !SECRET_LAST_WORDS.has(last)) return false;
  return last !== 'pass' || !NOT_A_PASSWORD_PASS.has(words.at(-2) ?? '');
}

const SECRET_EXACT =
  /^(?:password|passwd|pwd|pass|passphrase|secret|clientsecret|apikey|apisecret|accesskey|secretkey|privatekey|accesstoken|refreshtoken|idtoken|authtoken|sessiontoken|token|bearer|authorization|credentials?|pin)$/;

/** Property names that say what a value is, for values no detector recognises on its own. */
const KEY_HINTS: readonly KeyHint[] = [
  {
    matches: isSecretKey,
    category: 'secret',
    accepts: (value) => value.length >= 4 && !NOT_A_SECRET.test(value),
    risk: 0.9,
  },
  {
    // A suffix, so `customerDob` and `applicantBirthDate` count and `dobFormat` or `birthDateVerifiedAt` do not.
    matches: byNormalisedKey(
      /(?:dob|dateofbirth|birthdate|birthday|birthdt|geburtsdatum|datedenaissance|fechadenacimiento|datadinascita)$|^born(?:on)?$/,
    ),
    category: 'date-of-birth',
    accepts: (value) => DATE_VALUE.test(value),
    risk: 0.85,
  },
  {
    matches: byNormalisedKey(new RegExp(`^(?:[a-z]*${NAME_PART}|${PERSON_PREFIX}name|vorname|nachname|prenom|nomdefamille)$`)),
    category: 'name',
    accepts: (value) => PERSON_NAME_VALUE.test(value),
    risk: 0.7,
  },
  {
    matches: byNormalisedKey(
      new RegExp(
        `^(?:${POSTAL_PREFIX}?address(?:line\\d?)?|streetaddress|street|addressline\\d?|adresse|anschrift|direccion|indirizzo|endereco)$`,
      ),
    ),
    category: 'address',
    accepts: (value) => /\d/.test(value) && /\p{L}{2,}/u.test(value) && value.length >= 8,
    risk: 0.7,
  },
  {
    matches: byNormalisedKey(/^(?:ssn|socialsecuritynumber|socialsecurityno)$/),
    category: 'ssn',
    accepts: (value) => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(value),
    risk: 0.85,
  },
  {
    matches: byNormalisedKey(/^(?:phone|phonenumber|mobile|mobilenumber|cellphone|telephone|tel|msisdn|fax)$/),
    category: 'phone',
    accepts: (value) => /^\+?[\d\s().-]{7,20}$/.test(value) && value.replace(/\D/g, '').length >= 7,
    risk: 0.75,
  },
  {
    matches: byNormalisedKey(/^(?:email|emailaddress|mail|useremail|contactemail)$/),
    category: 'email',
    accepts: (value) => value.includes('@'),
    risk: 0.7,
  },
  {
    matches: byNormalisedKey(CARD_NUMBER_KEY),
    category: 'card',
    accepts: (value) => {
      const digits = value.replace(/[\s-]/g, '');
      return /^\d{12,19}$/.test(digits) && luhnValid(digits) && cardNetwork(digits) !== undefined;
    },
    risk: 0.95,
  },
];

// Names that say little alone but a lot under their parent: `customer.name`, `address.line1`, `birth.date`.
const GENERIC_KEYS = new Set(['name', 'first', 'last', 'full', 'given', 'family', 'middle', 'line', 'line1', 'line2', 'date', 'day']);

/**
 * The hint a property name gives, looking at the parent property too when the name alone is
 * generic (`name` under `customer`, `line1` under `address`).
 *
 * @param key - the property name, as written
 * @param parentKey - the name of the object holding it, if any
 * @example
 * keyHintFor('name', 'customer')?.category // 'name'
 */
export function keyHintFor(key: string, parentKey?: string): KeyHint | undefined {
  const normalised = normaliseKey(key);
  const own = KEY_HINTS.find((candidate) => candidate.matches(key));
  if (own !== undefined || parentKey === undefined || !GENERIC_KEYS.has(normalised)) return own;
  const combined = normaliseKey(parentKey) + normalised;
  return KEY_HINTS.find((candidate) => candidate.matches(combined));
}
