import type { TextMatch } from './pii-detectors.js';

const WORD = "\\p{Lu}[\\p{L}\\p{M}'’.-]*";
const STREET_TYPE =
  '(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Grove|Drive|Dr|Close|Way|Place|Pl|Square|Sq|Terrace|Terr|Crescent|Cres|Gardens|Gdns|Court|Ct|Boulevard|Blvd|Parkway|Pkwy|Row|Hill|Mews|Walk|Circle|Cir|Highway|Hwy|Parade|Pde|Green|Park|Rise|View|Vale|Wharf|Quay|Yard|Broadway|Embankment|Esplanade|Promenade|Approach|Gate|Cottages|Villas|Wynd|Brae|Loan|Passage|Alley|Trail|Plaza|Commons|Heights|Estate|Quarter)';
const UK_POSTCODE = '[A-Z]{1,2}\\d[A-Z\\d]?[ \\t]*\\d[A-Z]{2}';
const EIRCODE = '[AC-FHKNPRTV-Y]\\d{2}[ \\t]?[AC-FHKNPRTV-Y\\d]{4}';
const US_STATE_ZIP = '[A-Z]{2}[ \\t]+\\d{5}(?:-\\d{4})?';

/** One-line addresses, each with a house number, a street and a postcode with its town. */
const LINE_PATTERNS: readonly RegExp[] = [
  // UK, Irish and US: "8 Elm Grove, Leeds LS6 2AB", "742 W Addison St, Chicago, IL 60613".
  new RegExp(
    `\\b\\d{1,5}[A-Za-z]?(?:[-/]\\d{1,4})?[ \\t]+(?:[NSEW]\\.?[ \\t]+)?(?:${WORD}[ \\t]+){1,4}${STREET_TYPE}\\.?(?:[ \\t]+[NSEW]\\b)?(?:,[ \\t]*(?:Apt|Apartment|Suite|Ste|Unit|Flat)\\.?[ \\t]*[\\w/-]+)?,[ \\t]*(?:${WORD}[ \\t]*){1,3}(?:,[ \\t]*)?(?:${UK_POSTCODE}|${EIRCODE}|${US_STATE_ZIP})\\b`,
    'gu',
  ),
  // German: "Bergmannstraße 5, 10961 Berlin", "Am Markt 3, 28195 Bremen".
  new RegExp(
    `(?:\\b\\p{Lu}[\\p{L}-]*(?:straße|strasse|str\\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee)|\\b(?:Am|An der|Im|Auf dem|Zum|Zur)[ \\t]+\\p{Lu}[\\p{L}-]+)[ \\t]+\\d{1,4}[ \\t]?[a-zA-Z]?,[ \\t]*\\d{5}[ \\t]+\\p{Lu}[\\p{L}-]+`,
    'gu',
  ),
  // French: "3 avenue de l'Opéra, 75001 Paris".
  new RegExp(
    `\\b\\d{1,4}(?:[ \\t]?(?:bis|ter))?,?[ \\t]+(?:[Rr]ue|[Aa]venue|[Bb]oulevard|[Bb]d|[Pp]lace|[Qq]uai|[Aa]llée|[Ii]mpasse|[Cc]hemin|[Rr]oute|[Cc]ours)[ \\t]+[^,\\d\\n]{2,60},[ \\t]*\\d{5}[ \\t]+\\p{Lu}[\\p{L}-]+`,
    'gu',
  ),
  // Southern European and Dutch, street name first: "Via Roma 25, 00184 Roma", "Rua Augusta 274, 1100-053 Lisboa".
  new RegExp(
    `\\b(?:Via|Viale|Piazza|Corso|Calle|Avenida|Plaza|Paseo|Rua|Travessa|Largo)[ \\t]+[^,\\d\\n]{2,40}[ \\t]+\\d{1,4}[^,\\n]{0,12},[ \\t]*(?:\\d{5}|\\d{4}-\\d{3}|\\d{4}[ \\t]?[A-Z]{2})[ \\t]+\\p{Lu}[\\p{L}-]+`,
    'gu',
  ),
];

// Postcodes, the anchor of every address read part by part: UK, Irish Eircode, US state and ZIP,
// and continental codes before their town (Dutch 1016 GV, Portuguese 1100-053, German/French/Spanish/
// Italian five digits, four digits elsewhere).
const TOWN =
  "\\p{Lu}[\\p{L}\\p{M}'’.-]+(?:[ \\t]+(?:\\p{Lu}[\\p{L}\\p{M}'’.-]+|de|del|la|le|les|sur|sous|am|an|der|im|aan|den|op|en|i|d'|l'))*(?:[ \\t]*\\([\\p{L} .-]+\\))?";
const US_STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR';
const ANCHORS: ReadonlyArray<{ kind: 'uk' | 'ie' | 'us' | 'nl' | 'continental'; pattern: RegExp }> = [
  { kind: 'uk', pattern: /\b(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}|GIR[ \t]?0AA)\b/g },
  { kind: 'ie', pattern: /\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[ \t]?[AC-FHKNPRTV-Y\d]{4}\b/g },
  { kind: 'us', pattern: new RegExp(`\\b(?:${US_STATES})[ \\t]+\\d{5}(?:-\\d{4})?\\b`, 'g') },
  { kind: 'nl', pattern: new RegExp(`(?<![\\w-])(?:NL-)?[1-9]\\d{3}[ \\t]?[A-Z]{2}[ \\t]+${TOWN}`, 'gu') },
  { kind: 'continental', pattern: new RegExp(`(?<![\\w-])(?:[A-Z]{1,2}-)?(?:\\d{5}|\\d{4}-\\d{3}|[1-9]\\d{3})[ \\t]+${TOWN}`, 'gu') },
];

const NAME_WORD = "(?:\\p{Lu}[\\p{L}\\p{M}'’.-]*|of|on|upon|the|under|de|del|la|le|les|sur|am|an|der|y|i|d'|l'|en)";
/** A town, district or county line: "Leeds", "Co. Wicklow", "Dublin 4", "Little Snoring", "Eixample". */
const LOCALITY = new RegExp(`^\\p{Lu}[\\p{L}\\p{M}'’.-]*(?:[ \\t]+(?:${NAME_WORD}|\\d{1,2}[wW]?))*$`, 'u');
/** A flat, unit or floor: "Flat 3", "Apartment 12B", "3º 2ª", "Piso 4", "2e etage". */
const PREMISE =
  /^(?:(?:Flat|Apartment|Apt\.?|Unit|Suite|Ste\.?|Floor|Room|Block|Building|Bldg\.?|Piso|Planta|Puerta|Pta\.?|Esc\.?|Escalera|Bajo|Ático|Entlo\.?|Pral\.?|Appartement|Wohnung|Bus)\b[ \t]*[\w/ºª°.-]{0,8}(?:[ \t]+[\w/ºª°.-]{1,6})?|\d{1,2}[ \t]*(?:º|ª|°|o|a|r|n|t|er|e|ème|ste|de|hoog)?\.?(?:[ \t-]+\d{1,2}[ \t]*(?:º|ª|°|a|o|r|n|t)?)?)$/iu;
const HOUSE_NUMBER = '\\d{1,5}[A-Za-z]?(?:[-/]\\d{1,4}[A-Za-z]?)?';
// UK street names with their type fused in or left out: "Kingsway", "Moorgate", "Cheapside", "Strand".
const FUSED_STREET =
  '(?:\\p{Lu}\\p{Ll}*(?:way|gate|side|hall|wych|dilly|born|field|moor|mead|ford|bank|bridge|croft|dale|garth|holme|stead|wick|worth)|Strand|Mall)';
/** A street with its house number first: "12 Elm Grove", "1600 Pennsylvania Avenue NW", "3 bis rue de la Paix". */
const NUMBER_FIRST = new RegExp(
  `^(?:${HOUSE_NUMBER}(?:[ \\t]?(?:bis|ter))?,?[ \\t]+)(?:[NSEW]\\.?[ \\t]+)?(?:(?:rue|avenue|boulevard|bd|place|quai|allée|impasse|chemin|route|cours)[ \\t]+[^,\\d]{2,60}|(?:${NAME_WORD}[ \\t]+){0,4}(?:${STREET_TYPE}|${FUSED_STREET})\\.?(?:[ \\t]+(?:[NSEW]|NE|NW|SE|SW)\\.?)?)$`,
  'u',
);
/** A street named without a number, English style: "Church Lane", "High Street". */
const STREET_NO_NUMBER = new RegExp(`^(?:${NAME_WORD}[ \\t]+){1,4}${STREET_TYPE}\\.?$`, 'u');
/** A street with its type first, Romance style: "Carrer de Mallorca 401", "C/ Gran Via, 12", "Rua Augusta 274". */
const ROMANCE_TYPE =
  '(?:C\\/|Cl\\.|Calle|Carrer|Carretera|Ctra\\.|Avinguda|Avgda\\.|Avda\\.|Av\\.|Avenida|Passeig|Pg\\.|Paseo|Pº|Plaça|Pl\\.|Plaza|Pza\\.|Ronda|Rda\\.|Rambla|Travessera|Travesía|Camí|Camino|Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Strada|Rua|Travessa|Praça|Alameda|Estrada)';
const ROMANCE_STREET = new RegExp(
  `^${ROMANCE_TYPE}[ \\t]*[^\\d,]{2,50}?(?:,?[ \\t]*(?:nº|n\\.?º|núm\\.?|no\\.?|n\\.)?[ \\t]*(\\d{1,4}[A-Za-z]?(?:[-/]\\d{1,4})?)(?:[ \\t,]+[\\wºª°. -]{0,15})?)?$`,
  'u',
);
/** A street with its number after it, Germanic and Dutch style: "Prinsengracht 263-1", "Am Markt 3", "Jan van Galenstraat 10 hs". */
const NAME_FIRST = new RegExp(
  `^(?:(?:Am|An der|Im|In der|Auf dem|Zum|Zur|Unter den)[ \\t]+)?(?:[\\p{L}\\p{M}.'’-]+[ \\t]+){0,3}[\\p{L}\\p{M}.'’-]+[ \\t]+${HOUSE_NUMBER}(?:[ \\t-]?(?:[a-zA-Z]{1,2}\\d?|hs|bis|I{1,3}))?(?:[ \\t]+\\d{1,2}(?:e|ste|de)?(?:[ \\t]+(?:hoog|etage|verd\\.?))?)?$`,
  'u',
);
const NAME_FIRST_SUFFIX =
  /(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|straat|laan|plein|gracht|kade|singel|dijk|steeg|markt|dreef|pad|hof|vej|gade|gatan|vägen|veien|gata|gränd|tie|katu)[ \t]+\d/iu;

type AnchorKind = (typeof ANCHORS)[number]['kind'];
const STREET_TYPE_WORD = new RegExp(`\\b${STREET_TYPE}\\b`, 'u');
const FRENCH_TYPE = /(?:rue|avenue|boulevard|bd|place|quai|allée|impasse|chemin|route|cours)\b/i;
const GERMAN_PREFIX = /^(?:Am|An der|Im|In der|Auf dem|Zum|Zur|Unter den)\s/;

function isStreet(part: string, kind: AnchorKind, numberFollows: boolean): boolean {
  if (NUMBER_FIRST.test(part) && (kind !== 'continental' || FRENCH_TYPE.test(part) || STREET_TYPE_WORD.test(part))) return true;
  const romance = ROMANCE_STREET.exec(part);
  if (romance !== null && (romance[1] !== undefined || numberFollows)) return true;
  if (NAME_FIRST.test(part) && (NAME_FIRST_SUFFIX.test(part) || GERMAN_PREFIX.test(part) || kind === 'nl')) return true;
  return (kind === 'uk' || kind === 'ie') && STREET_NO_NUMBER.test(part);
}

/**
 * Where in `part` the longest tail that passes `test` starts (at a word boundary), or undefined:
 * "Ship to Flat 3" ends in a flat, "Enviar a Plaça de Catalunya 1" in a street.
 */
function tailWhere(part: string, test: (tail: string) => boolean): number | undefined {
  if (test(part)) return 0;
  for (const match of part.matchAll(/\s+(?=\S)/g)) {
    const at = match.index + match[0].length;
    if (test(part.slice(at))) return at;
  }
  return undefined;
}

interface Part {
  start: number;
  text: string;
}

// Address lines are separated by commas and line breaks; a label ("Deliver to:", "Bezorgadres:")
// ends at a colon followed by a space.
const isSeparatorAt = (text: string, index: number): boolean =>
  ',\n;|'.includes(text[index]!) || (text[index] === ':' && /\s/.test(text[index + 1] ?? ''));

/** The parts of `text` before `end`, nearest first. */
function partsBefore(text: string, end: number, limit: number): Part[] {
  const parts: Part[] = [];
  let cursor = end;
  while (parts.length < limit && cursor > 0) {
    let start = cursor - 1;
    while (start >= 0 && !isSeparatorAt(text, start)) start--;
    const raw = text.slice(start + 1, cursor);
    const leading = raw.length - raw.trimStart().length;
    parts.push({ start: start + 1 + leading, text: raw.trim() });
    if (start < 0) break;
    cursor = start;
  }
  return parts;
}

const premiseOrLocality = (text: string): boolean => text.length <= 40 && (PREMISE.test(text) || LOCALITY.test(text));

// Read an address backwards from its postcode: the town on the postcode's own line, then locality,
// flat and number lines, until a street. Up to two flat or building lines before the street belong
// to it. No street, no address: a postcode alone (or after a company name) is not reported.
function addressEndingAt(text: string, anchorStart: number, kind: AnchorKind): number | undefined {
  const [own, ...before] = partsBefore(text, anchorStart, 8);
  if (own === undefined) return undefined;
  if (own.text !== '' && !LOCALITY.test(own.text)) {
    const at = tailWhere(own.text, (tail) => isStreet(tail, kind, false));
    return at === undefined ? undefined : own.start + at;
  }
  let numberFollows = false;
  let street: number | undefined;
  let index = 0;
  for (; index < Math.min(before.length, 5); index++) {
    const part = before[index]!;
    const at = tailWhere(part.text, (tail) => isStreet(tail, kind, numberFollows));
    if (at !== undefined) {
      street = part.start + at;
      break;
    }
    if (/^\d{1,4}[A-Za-z]?$/.test(part.text)) numberFollows = true;
    else if (part.text === '' || !premiseOrLocality(part.text)) break;
  }
  if (street === undefined) {
    // An Eircode is Ireland's alone: with a county or Dublin district line, the lines before it are the address.
    const lines = before.slice(0, index);
    if (
      kind !== 'ie' ||
      lines.length < 2 ||
      !lines.some((part) => /^(?:Co\.?|County)[ \t]+\p{Lu}|^Dublin[ \t]+\d{1,2}[wW]?$/u.test(part.text))
    )
      return undefined;
    const stopped = before[index];
    const at = stopped === undefined ? undefined : tailWhere(stopped.text, (tail) => PREMISE.test(tail));
    return stopped !== undefined && at !== undefined ? stopped.start + at : lines.at(-1)!.start;
  }
  let start = street;
  for (const part of before.slice(index + 1, index + 3)) {
    const at = tailWhere(
      part.text,
      (tail) => tail.length <= 30 && (PREMISE.test(tail) || (LOCALITY.test(tail) && tail.split(/[ \t]+/).length <= 3)),
    );
    if (at === undefined) break;
    start = part.start + at;
    if (at > 0) break;
  }
  return start;
}

/**
 * Postal addresses in free text: a street (with its house number, or named by its type in UK and
 * Irish addresses) and the lines after it up to a postcode with its town, written on one line with
 * commas or over several lines. UK, Irish (Eircode), US, Dutch, German, French, Spanish and Catalan,
 * Portuguese and Italian layouts. Street-like product names ("221 Baker Street Collection"), SKUs,
 * film titles and postcodes without a street are not addresses.
 *
 * @param text - the string to scan
 * @param found - where matches are added
 * @example
 * const found: TextMatch[] = [];
 * detectPostalAddresses('Ship to Flat 3, 12 Elm Grove, Leeds LS6 2AB', found); // found[0].raw === 'Flat 3, 12 Elm Grove, Leeds LS6 2AB'
 */
export function detectPostalAddresses(text: string, found: TextMatch[]): void {
  for (const pattern of LINE_PATTERNS) {
    for (const match of text.matchAll(pattern)) found.push(addressMatch(match.index, match[0]));
  }
  if (!/[,\n]|:\s/.test(text)) return;
  for (const { kind, pattern } of ANCHORS) {
    for (const match of text.matchAll(pattern)) {
      const start = addressEndingAt(text, match.index, kind);
      if (start !== undefined) found.push(addressMatch(start, text.slice(start, match.index + match[0].length)));
    }
  }
}

function addressMatch(start: number, raw: string): TextMatch {
  return { category: 'address', start, end: start + raw.length, raw, risk: 0.8 };
}
