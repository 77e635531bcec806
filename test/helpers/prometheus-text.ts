/**
 * A strict parser of Prometheus' text exposition format 0.0.4, for the metrics tests: it throws
 * on anything a Prometheus server would reject or that the format leaves undefined (a sample
 * before its TYPE, a family split in two, a duplicate series, a bad name, escape or value).
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: string;
  help: string | undefined;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    const eq = text.indexOf('=', at);
    if (eq === -1) throw new Error(`line ${line}: label without '='`);
    const name = text.slice(at, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: bad label name ${JSON.stringify(name)}`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let value = '';
    let i = eq + 2;
    for (; i < text.length && text[i] !== '"'; i++) {
      if (text[i] === '\\') {
        const next = text[++i];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`line ${line}: bad escape \\${next}`);
      } else if (text[i] === '\n') throw new Error(`line ${line}: raw newline in a label`);
      else value += text[i];
    }
    if (i >= text.length) throw new Error(`line ${line}: unterminated label value`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    labels[name] = value;
    at = i + 1;
    if (text[at] === ',') at++;
    else if (at !== text.length) throw new Error(`line ${line}: expected ',' after a label`);
  }
  return labels;
}

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, MetricFamily>();
  const series = new Set<string>();
  let current: MetricFamily | undefined;
  const open = (name: string, line: number): MetricFamily => {
    if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name ${JSON.stringify(name)}`);
    const known = families.get(name);
    if (known !== undefined && known !== current) throw new Error(`line ${line}: family ${name} split in two`);
    current = known ?? { name, type: 'untyped', help: undefined, samples: [] };
    families.set(name, current);
    return current;
  };
  text.split('\n').slice(0, -1).forEach((raw, index) => {
    const line = index + 1;
    if (raw === '') return;
    const comment = /^#\s*(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(raw);
    if (comment !== null) {
      const family = open(comment[2]!, line);
      if (comment[1] === 'TYPE') {
        if (!TYPES.has(comment[3]!)) throw new Error(`line ${line}: unknown type ${comment[3]}`);
        if (family.samples.length > 0) throw new Error(`line ${line}: TYPE after samples`);
        family.type = comment[3]!;
      } else {
        if (family.help !== undefined) throw new Error(`line ${line}: HELP twice`);
        family.help = comment[3];
      }
      return;
    }
    if (raw.startsWith('#')) return;
    const match = /^([^{\s]+)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/.exec(raw);
    if (match === null) throw new Error(`line ${line}: not a sample: ${raw}`);
    const name = match[1]!;
    if (current?.name !== name) throw new Error(`line ${line}: sample of ${name} outside its family`);
    const sample = { name, labels: parseLabels(match[2] ?? '', line), value: parseValue(match[3]!, line) };
    const key = `${name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (series.has(key)) throw new Error(`line ${line}: duplicate series ${key}`);
    series.add(key);
    current.samples.push(sample);
  });
  return families;
}

/** The value of `family` for `service`; undefined when it has no such sample. */
export function sampleOf(families: Map<string, MetricFamily>, family: string, service: string): number | undefined {
  return families.get(family)?.samples.find((sample) => sample.labels['service'] === service)?.value;
}
