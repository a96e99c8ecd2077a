import { ContractError } from '../errors.js';
import { maskLine } from './telemetry-text.js';
import {
  METRIC_TYPES,
  type MetricExemplar,
  type MetricFamily,
  type MetricSample,
  type MetricType,
  type MetricsSnapshot,
} from './metrics-snapshot.js';

/** How {@link parsePrometheusText} reads its input. */
export interface ParseMetricsOptions {
  /**
   * `prometheus` (text format 0.0.4), `openmetrics` (OpenMetrics 1.0 text: `# EOF`, `# UNIT`,
   * exemplars, timestamps in seconds) or `auto` (default): OpenMetrics when the text ends with `# EOF`.
   */
  format?: 'prometheus' | 'openmetrics' | 'auto';
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
// Sticky: matched where the line reader stands, without copying the rest of the line.
const NAME_AT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME_AT = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MAX_PROBLEMS = 20;

/** The suffixes a sample may add to its family's name, by the family's type. */
const SUFFIXES: Partial<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};

/** A malformed line, caught by the parse loop and listed in its one error. */
class LineError extends Error {
  constructor(
    readonly column: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * The value of a sample or label: decimal and scientific numbers, `NaN`, `+Inf`, `-Inf` (any
 * case, `Infinity` too, as Prometheus' Go parser reads them); undefined when it is none of these.
 *
 * @param text - a value as the exposition writes it
 * @example
 * parseMetricNumber('+Inf') // Infinity
 * parseMetricNumber('1.5e3') // 1500
 */
export function parseMetricNumber(text: string): number | undefined {
  if (NUMBER.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (/^[+]?inf(?:inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
  if (/^-inf(?:inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** A cursor over one line. */
class LineReader {
  position = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }
  peek(): string {
    return this.text[this.position] ?? '';
  }
  skipBlanks(): number {
    const start = this.position;
    while (this.peek() === ' ' || this.peek() === '\t') this.position++;
    return this.position - start;
  }
  match(sticky: RegExp): string | undefined {
    sticky.lastIndex = this.position;
    const found = sticky.exec(this.text)?.[0];
    if (found !== undefined) this.position += found.length;
    return found;
  }
  token(): string {
    const start = this.position;
    while (!this.done && this.peek() !== ' ' && this.peek() !== '\t') this.position++;
    return this.text.slice(start, this.position);
  }
  fail(reason: string, column = this.position): never {
    throw new LineError(column, reason);
  }
  expect(char: string, what: string): void {
    if (this.peek() !== char)
      this.fail(
        `expected ${JSON.stringify(char)} ${what}, found ${this.peek() === '' ? 'the end of the line' : JSON.stringify(this.peek())}`,
      );
    this.position++;
  }
  /** A double-quoted string with `\\`, `\"` and `\n` escapes; the cursor is on the opening quote. */
  quoted(what: string): string {
    const start = this.position;
    const close = this.text.indexOf('"', start + 1);
    const plain = close === -1 ? -1 : this.text.indexOf('\\', start + 1);
    if (close !== -1 && (plain === -1 || plain > close)) {
      // Most values have no escapes: take them whole.
      this.position = close + 1;
      return this.text.slice(start + 1, close);
    }
    this.position++;
    let value = '';
    while (!this.done) {
      const char = this.peek();
      if (char === '"') {
        this.position++;
        return value;
      }
      if (char === '\\') {
        const next = this.text[this.position + 1];
        if (next === '\\' || next === '"') value += next;
        else if (next === 'n') value += '\n';
        else this.fail(`${what} has an invalid escape sequence "\\${next ?? ''}" (only \\\\, \\" and \\n are allowed)`);
        this.position += 2;
      } else {
        value += char;
        this.position++;
      }
    }
    return this.fail(`${what} is not closed: a double quote is missing`, start);
  }
}

interface ParsedLine {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
  exemplar?: MetricExemplar;
}

function readLabels(reader: LineReader, into: Record<string, string>, allowQuotedName: boolean): string | undefined {
  let quotedName: string | undefined;
  reader.expect('{', 'to open the labels');
  for (;;) {
    reader.skipBlanks();
    if (reader.peek() === '}') {
      reader.position++;
      return quotedName;
    }
    const at = reader.position;
    let label: string | undefined;
    if (reader.peek() === '"') {
      label = reader.quoted('a quoted name');
      reader.skipBlanks();
      if (allowQuotedName && reader.peek() !== '=' && quotedName === undefined && Object.keys(into).length === 0) {
        quotedName = label;
        label = undefined;
      }
    } else {
      label = reader.match(LABEL_NAME_AT);
      if (label === undefined) reader.fail('a label name must start with a letter or "_" and hold only letters, digits and "_"');
    }
    if (label !== undefined) {
      reader.skipBlanks();
      reader.expect('=', `after the label name ${JSON.stringify(label)}`);
      reader.skipBlanks();
      if (reader.peek() !== '"') reader.fail(`the value of label ${JSON.stringify(label)} must be in double quotes`);
      const value = reader.quoted(`the value of label ${JSON.stringify(label)}`);
      if (Object.hasOwn(into, label)) reader.fail(`label ${JSON.stringify(label)} appears twice`, at);
      into[label] = value;
    }
    reader.skipBlanks();
    if (reader.peek() === ',') reader.position++;
    else if (reader.peek() !== '}') reader.expect('}', 'or "," after a label');
  }
}

function readValue(reader: LineReader, what: string): number {
  const at = reader.position;
  const token = reader.token();
  if (token === '') reader.fail(`${what} is missing`);
  const value = parseMetricNumber(token);
  if (value === undefined) reader.fail(`${what} ${JSON.stringify(token)} is not a number (write numbers, NaN, +Inf or -Inf)`, at);
  return value;
}

function readTimestamp(reader: LineReader, openMetrics: boolean): number {
  const at = reader.position;
  const token = reader.token();
  if (openMetrics) {
    const seconds = parseMetricNumber(token);
    if (seconds === undefined || !Number.isFinite(seconds))
      reader.fail(`the timestamp ${JSON.stringify(token)} is not a number of seconds`, at);
    return seconds * 1000;
  }
  if (!/^-?\d+$/.test(token)) reader.fail(`the timestamp ${JSON.stringify(token)} is not an integer number of milliseconds`, at);
  return Number(token);
}

function parseSampleLine(text: string, openMetrics: boolean): ParsedLine {
  const reader = new LineReader(text);
  const labels: Record<string, string> = {};
  let name = reader.match(NAME_AT);
  if (name === undefined && reader.peek() !== '{')
    reader.fail('a metric name must start with a letter, "_" or ":" and hold only letters, digits, "_" and ":"');
  let gap = reader.skipBlanks();
  if (reader.peek() === '{') {
    const quotedName = readLabels(reader, labels, name === undefined);
    if (name === undefined) name = quotedName;
    gap = reader.skipBlanks();
  }
  if (name === undefined) return reader.fail('the line has labels but no metric name', 0);
  if (gap === 0)
    reader.fail(reader.done ? 'the value is missing' : `expected a space before the value, found ${JSON.stringify(reader.peek())}`);
  const value = readValue(reader, 'the value');
  const line: ParsedLine = { name, labels, value };
  reader.skipBlanks();
  if (!reader.done && reader.peek() !== '#') line.timestamp = readTimestamp(reader, openMetrics);
  reader.skipBlanks();
  if (openMetrics && reader.peek() === '#') {
    reader.position++;
    reader.skipBlanks();
    const exemplarLabels: Record<string, string> = {};
    readLabels(reader, exemplarLabels, false);
    reader.skipBlanks();
    const exemplar: MetricExemplar = { labels: exemplarLabels, value: readValue(reader, 'the exemplar value') };
    reader.skipBlanks();
    if (!reader.done) exemplar.timestamp = readTimestamp(reader, true);
    line.exemplar = exemplar;
    reader.skipBlanks();
  }
  if (!reader.done)
    reader.fail(
      `unexpected ${JSON.stringify(reader.text.slice(reader.position, reader.position + 20))} after the ${line.timestamp === undefined ? 'value' : 'timestamp'}`,
    );
  return line;
}

/** `\\` and `\n` in HELP text (and `\"` in OpenMetrics); other backslashes are kept as written. */
function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n|")/g, (_match, char: string) => (char === 'n' ? '\n' : char));
}

interface Parse {
  openMetrics: boolean;
  families: MetricFamily[];
  byName: Map<string, MetricFamily>;
  /** Line numbers of the first HELP/TYPE/UNIT of each family, for "second TYPE line" messages. */
  declared: Map<string, number>;
  series: Map<string, number>;
}

function familyOf(parse: Parse, sampleName: string): MetricFamily {
  const exact = parse.byName.get(sampleName);
  if (exact !== undefined && exact.type !== 'untyped') return exact;
  // OpenMetrics names a counter `x` and its sample `x_total`; every format names a histogram `x` and its samples `x_bucket`...
  for (const [type, suffixes] of Object.entries(SUFFIXES) as Array<[MetricType, readonly string[]]>) {
    for (const suffix of suffixes) {
      if (!sampleName.endsWith(suffix)) continue;
      const family = parse.byName.get(sampleName.slice(0, -suffix.length));
      if (family?.type === type) return family;
    }
  }
  if (exact !== undefined) return exact;
  const created: MetricFamily = { name: sampleName, type: 'untyped', samples: [] };
  parse.families.push(created);
  parse.byName.set(sampleName, created);
  return created;
}

function declaredFamily(parse: Parse, name: string): MetricFamily {
  let family = parse.byName.get(name);
  if (family === undefined) {
    family = { name, type: 'untyped', samples: [] };
    parse.families.push(family);
    parse.byName.set(name, family);
  }
  return family;
}

function readComment(parse: Parse, text: string, lineNumber: number): void {
  const match = /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(text) ?? /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+(\S+)[ \t]*$/.exec(text);
  if (match === null) {
    if (/^#[ \t]+(HELP|TYPE|UNIT)\b/.test(text)) throw new LineError(0, `a ${text.split(/[ \t]+/)[1]!} line needs a metric name`);
    return;
  }
  const [, keyword, rawName, rest = ''] = match as unknown as [string, 'HELP' | 'TYPE' | 'UNIT', string, string | undefined];
  const name = rawName.startsWith('"') ? new LineReader(rawName).quoted('the metric name') : rawName;
  if (!rawName.startsWith('"') && NAME.exec(name)?.[0] !== name)
    throw new LineError(text.indexOf(rawName), `${JSON.stringify(name)} is not a valid metric name`);
  const key = `${keyword} ${name}`;
  const earlier = parse.declared.get(key);
  if (earlier !== undefined) throw new LineError(0, `a second ${keyword} line for ${name} (the first is on line ${earlier})`);
  parse.declared.set(key, lineNumber);
  const family = declaredFamily(parse, name);
  if (keyword === 'HELP') family.help = unescapeHelp(rest);
  else if (keyword === 'UNIT') family.unit = rest.trim();
  else {
    const type = (rest.trim() === 'unknown' ? 'untyped' : rest.trim()) as MetricType;
    if (!METRIC_TYPES.includes(type))
      throw new LineError(
        text.lastIndexOf(rest.trim()),
        `${JSON.stringify(rest.trim())} is not a metric type (counter, gauge, histogram, summary, untyped${parse.openMetrics ? ', gaugehistogram, stateset, info, unknown' : ''})`,
      );
    if (family.samples.length > 0)
      throw new LineError(0, `the TYPE line for ${name} comes after its samples (line ${family.samples[0]!.line}); it must come first`);
    family.type = type;
  }
}

function addSample(parse: Parse, parsed: ParsedLine, lineNumber: number): void {
  const family = familyOf(parse, parsed.name);
  if ((family.type === 'histogram' || family.type === 'gaugehistogram') && parsed.name.endsWith('_bucket')) {
    const le = parsed.labels['le'];
    if (le === undefined) throw new LineError(0, `the histogram bucket ${parsed.name} has no "le" label`);
    if (parseMetricNumber(le) === undefined)
      throw new LineError(0, `the "le" label of ${parsed.name} is ${JSON.stringify(le)}, not a number`);
  }
  if (family.type === 'summary' && parsed.name === family.name) {
    const quantile = parsed.labels['quantile'];
    if (quantile === undefined) throw new LineError(0, `the summary sample ${parsed.name} has no "quantile" label`);
    if (parseMetricNumber(quantile) === undefined)
      throw new LineError(0, `the "quantile" label of ${parsed.name} is ${JSON.stringify(quantile)}, not a number`);
  }
  const key = `${parsed.name}${JSON.stringify(
    Object.keys(parsed.labels)
      .sort()
      .map((label) => [label, parsed.labels[label]]),
  )}`;
  const earlier = parse.series.get(key);
  if (earlier !== undefined) throw new LineError(0, `the series ${parsed.name} with these labels already has a sample on line ${earlier}`);
  parse.series.set(key, lineNumber);
  const sample: MetricSample = { name: parsed.name, labels: parsed.labels, value: parsed.value, line: lineNumber };
  if (parsed.timestamp !== undefined) sample.timestamp = parsed.timestamp;
  if (parsed.exemplar !== undefined) sample.exemplar = parsed.exemplar;
  family.samples.push(sample);
}

/**
 * Every metric family in a Prometheus text exposition (format 0.0.4, what `/metrics` serves) or
 * an OpenMetrics text exposition: HELP, TYPE and UNIT, counters, gauges, histograms
 * (`_bucket{le}`, `_sum`, `_count`), summaries, escaped label values (`\\`, `\"`, `\n`),
 * timestamps, `NaN` and `±Inf`, and OpenMetrics exemplars.
 *
 * Malformed input throws one `CONTRACT_INVALID_METRICS` error listing every bad line (up to 20)
 * with its line and column, the line printed with personal data masked.
 *
 * @param text - the body of a `/metrics` response
 * @param options - the format, when it should not be detected
 * @example
 * const metrics = parsePrometheusText('# TYPE http_requests_total counter\nhttp_requests_total{route="/orders",status="201"} 1\n')
 * metrics.families[0] // { name: 'http_requests_total', type: 'counter', samples: [{ name: 'http_requests_total', labels: { route: '/orders', status: '201' }, value: 1, line: 2 }] }
 */
export function parsePrometheusText(text: string, options: ParseMetricsOptions = {}): MetricsSnapshot {
  if (typeof text !== 'string') {
    throw new ContractError('CONTRACT_INVALID_METRICS', {
      action: 'parse the metrics',
      reason: `parsePrometheusText needs the text of a /metrics response, not ${text === null ? 'null' : typeof text}`,
      fix: 'Pass `await response.text()`, or use scrapeMetrics(url).',
    });
  }
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.at(-1) === '') lines.pop();
  const format = options.format ?? 'auto';
  const lastLine = lines.findLast((line) => line.trim() !== '');
  const openMetrics = format === 'openmetrics' || (format === 'auto' && lastLine === '# EOF');
  const parse: Parse = { openMetrics, families: [], byName: new Map(), declared: new Map(), series: new Map() };
  const problems: string[] = [];
  let eofLine: number | undefined;
  lines.forEach((line, index) => {
    if (problems.length >= MAX_PROBLEMS) return;
    const lineNumber = index + 1;
    try {
      if (eofLine !== undefined) {
        if (line.trim() !== '') throw new LineError(0, `text after "# EOF" (line ${eofLine}): "# EOF" must end the exposition`);
        return;
      }
      if (openMetrics && line === '# EOF') {
        eofLine = lineNumber;
        return;
      }
      if (line.trim() === '') return;
      if (line.trimStart().startsWith('#')) readComment(parse, line.trimStart(), lineNumber);
      else addSample(parse, parseSampleLine(line.trimStart(), openMetrics), lineNumber);
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      problems.push(`  line ${lineNumber}, column ${error.column + 1}: ${error.reason}\n    ${maskLine(line)}`);
    }
  });
  if (openMetrics && eofLine === undefined && problems.length === 0)
    problems.push(`  line ${lines.length}: OpenMetrics text must end with "# EOF"`);
  if (problems.length > 0) {
    throw new ContractError('CONTRACT_INVALID_METRICS', {
      action: `parse the ${openMetrics ? 'OpenMetrics' : 'Prometheus'} text`,
      reason: `${problems.length >= MAX_PROBLEMS ? `at least ${MAX_PROBLEMS}` : problems.length} ${problems.length === 1 ? 'line is' : 'lines are'} malformed`,
      details: problems,
      fix: 'Fix the exporter (or the fixture) so each line reads `name{label="value"} value [timestamp]`; see https://prometheus.io/docs/instrumenting/exposition_formats/.',
    });
  }
  return { format: openMetrics ? 'openmetrics' : 'prometheus', families: parse.families };
}
