/**
 * The live dashboard: signs in as a WAMP session of the realm (the user's credentials, or
 * anonymous where the realm allows it) and shows what that session may see: services and
 * their instances and procedures (signatures from `wservice.describe`, a form to call each),
 * subscriptions and sessions (the WAMP meta API), and per procedure calls/s, errors/s and mean
 * latency as live charts (`wservice.metrics.snapshot`). Everything is read again every second.
 */
import { connect } from './wservice.js';

const REFRESH_MS = 1000;
/** Chart history: one point a refresh. */
const POINTS = 60;

/** `el('td', { class: 'x' }, 'text', child)`: a DOM element with text children, never HTML. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

const $ = (id) => document.getElementById(id);

/** A JSON Schema as a short TypeScript-like type: `string`, `Order[]`, `'a' | 'b'`. */
function typeText(schema) {
  if (schema === undefined || schema === true) return 'unknown';
  if (schema.$ref !== undefined) return schema.$ref.split('/').pop();
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union !== undefined) return union.map(typeText).join(' | ');
  if (schema.type === 'array') return `${typeText(schema.items)}[]`;
  if (schema.type === 'integer') return 'number';
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'object' && schema.properties !== undefined)
    return `{ ${Object.keys(schema.properties).join(', ')} }`;
  return schema.type ?? 'unknown';
}

/** `place(order: Order, note?: string): string`. */
function signatureOf(method, description) {
  const params = description.parameters
    .map((p) => `${p.rest ? '...' : ''}${p.name}${p.required ? '' : '?'}: ${typeText(p.schema)}`)
    .join(', ');
  return `${method}(${params}): ${typeText(description.result)}`;
}

/** Reads a form field: JSON when it parses, else the text itself for a string parameter. */
function fieldValue(text, schema) {
  try {
    return JSON.parse(text);
  } catch {
    if (schema?.type === 'string' || schema?.type === undefined) return text;
    throw new Error(`"${text}" is not JSON`);
  }
}

class Dashboard {
  constructor(client) {
    this.client = client;
    this.history = new Map();
    this.last = undefined;
    this.rendered = '';
    this.charts = new Map();
  }

  async refresh() {
    const [services, registrations, subscriptions, sessions] = await Promise.all([
      this.attempt(() => this.describe()),
      this.attempt(() => this.metaList('registration', 'count_callees')),
      this.attempt(() => this.metaList('subscription', 'count_subscribers')),
      this.attempt(() => this.sessions()),
    ]);
    this.renderServices(services, registrations);
    this.renderTable('subscriptions', ['topic', 'match', 'subscribers'], subscriptions, (s) => [
      s.uri,
      s.match,
      s.count,
    ]);
    this.renderTable(
      'sessions',
      ['session', 'authid', 'authrole', 'authmethod', 'transport'],
      sessions,
      (s) => [
        s.session,
        s.authid ?? '',
        s.authrole ?? '',
        s.authmethod ?? '',
        s.transport?.peer ?? s.transport?.type ?? '',
      ],
    );
    await this.sample();
  }

  /** `{ value }`, or `{ error }` when the session may not read it (shown in place of the section). */
  async attempt(read) {
    try {
      return { value: await read() };
    } catch (err) {
      return { error: err.message };
    }
  }

  async describe() {
    return (await this.client.call('wservice.describe'))?.services ?? {};
  }

  /** Registrations or subscriptions of every match policy, each with its URI and count. */
  async metaList(kind, counter) {
    const ids = Object.values((await this.client.call(`wamp.${kind}.list`)) ?? {}).flat();
    const entries = await Promise.all(
      ids.map(async (id) => {
        try {
          const [got, count] = await Promise.all([
            this.client.call(`wamp.${kind}.get`, [id]),
            this.client.call(`wamp.${kind}.${counter}`, [id]),
          ]);
          return { ...got, count };
        } catch {
          return undefined; // gone between the list and the get
        }
      }),
    );
    return entries.filter((e) => e !== undefined).sort((a, b) => a.uri.localeCompare(b.uri));
  }

  async sessions() {
    const ids = (await this.client.call('wamp.session.list')) ?? [];
    const got = await Promise.all(
      ids.map((id) => this.client.call('wamp.session.get', [id]).catch(() => undefined)),
    );
    return got.filter((s) => s !== undefined).sort((a, b) => a.session - b.session);
  }

  renderTable(id, headings, result, row) {
    const section = $(id);
    const body = result.error
      ? [el('p', { class: 'refused' }, result.error)]
      : [
          el(
            'table',
            {},
            el('tr', {}, ...headings.map((h) => el('th', {}, h))),
            ...result.value.map((item) => el('tr', {}, ...row(item).map((cell) => el('td', {}, cell)))),
          ),
        ];
    section.replaceChildren(el('h2', {}, `${id} (${result.value?.length ?? '?'})`), ...body);
  }

  /** Services, rebuilt only when their procedures or instances change (a form being typed in stays). */
  renderServices(services, registrations) {
    const section = $('services');
    if (services.error) {
      section.replaceChildren(el('h2', {}, 'services'), el('p', { class: 'refused' }, services.error));
      return;
    }
    const callees = new Map((registrations.value ?? []).map((r) => [r.uri, r.count]));
    const key = JSON.stringify([Object.keys(services.value), [...callees]]);
    if (key === this.rendered) return;
    this.rendered = key;
    this.charts.clear();
    const cards = Object.entries(services.value).map(([name, description]) => {
      const instances = callees.get(`wservice.describe.${name}`) ?? 0;
      const procedures = Object.entries(description.procedures ?? {}).map(([uri, p]) =>
        this.procedureRow(uri, p, callees.get(uri)),
      );
      const topics = Object.keys(description.topics ?? {});
      return el(
        'article',
        { class: 'service', 'data-service': name },
        el(
          'h3',
          {},
          name,
          el('span', { class: 'dim' }, ` ${instances} instance${instances === 1 ? '' : 's'}`),
        ),
        ...(description.description ? [el('p', { class: 'dim' }, description.description)] : []),
        ...procedures,
        ...(topics.length > 0 ? [el('p', { class: 'dim' }, `subscribes to ${topics.join(', ')}`)] : []),
      );
    });
    section.replaceChildren(el('h2', {}, `services (${cards.length})`), ...cards);
  }

  procedureRow(uri, description, callees) {
    const inputs = description.parameters.map((p) =>
      el(
        'label',
        {},
        p.name,
        el('input', { name: p.name, placeholder: typeText(p.schema), autocomplete: 'off' }),
      ),
    );
    const output = el('pre', { class: 'result' });
    const form = el('form', { class: 'call' }, ...inputs, el('button', { type: 'submit' }, 'call'), output);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.callFrom(uri, description, form, output);
    });
    const chart = el('div', { class: 'charts' });
    this.charts.set(uri, chart);
    this.drawCharts(uri);
    return el(
      'section',
      { class: 'procedure', 'data-procedure': uri },
      el('code', {}, uri),
      el('span', { class: 'dim' }, ` ${callees ?? 0} callee${callees === 1 ? '' : 's'}`),
      el('div', { class: 'signature' }, signatureOf(description.method, description)),
      chart,
      form,
    );
  }

  async callFrom(uri, description, form, output) {
    output.className = 'result';
    try {
      const kwargs = {};
      for (const p of description.parameters) {
        const text = form.elements.namedItem(p.name).value;
        if (text !== '') kwargs[p.name] = fieldValue(text, p.schema);
      }
      const result = await this.client.call(uri, [], kwargs);
      output.textContent = result === undefined ? 'no result' : JSON.stringify(result, null, 2);
      output.classList.add('ok');
    } catch (err) {
      output.textContent = err.message;
      output.classList.add('failed');
    }
  }

  /** One point per procedure: calls/s, errors/s and mean latency (ms) since the last snapshot. */
  async sample() {
    let snapshot;
    try {
      snapshot = await this.client.call('wservice.metrics.snapshot');
    } catch (err) {
      $('metrics-state').textContent = `no metrics: ${err.message}`;
      return;
    }
    $('metrics-state').textContent = '';
    const previous = this.last;
    this.last = snapshot;
    if (previous === undefined) return;
    const seconds = Math.max((snapshot.at - previous.at) / 1000, 0.001);
    const before = new Map(previous.procedures.map((p) => [p.procedure, p]));
    for (const now of snapshot.procedures) {
      const was = before.get(now.procedure) ?? { calls: 0, errors: 0, seconds: 0, count: 0 };
      // A restarted process counts from 0 again: no negative rates.
      const delta = (a, b) => Math.max(a - b, 0);
      const count = delta(now.count, was.count);
      const point = {
        calls: delta(now.calls, was.calls) / seconds,
        errors: delta(now.errors, was.errors) / seconds,
        latency: count === 0 ? 0 : (delta(now.seconds, was.seconds) / count) * 1000,
      };
      const points = this.history.get(now.procedure) ?? [];
      points.push(point);
      if (points.length > POINTS) points.shift();
      this.history.set(now.procedure, points);
      this.drawCharts(now.procedure);
    }
  }

  drawCharts(uri) {
    const holder = this.charts.get(uri);
    if (holder === undefined) return;
    const points = this.history.get(uri) ?? [];
    holder.replaceChildren(
      chart(
        'calls/s',
        'calls',
        points.map((p) => p.calls),
      ),
      chart(
        'errors/s',
        'errors',
        points.map((p) => p.errors),
      ),
      chart(
        'ms',
        'latency',
        points.map((p) => p.latency),
      ),
    );
  }
}

/** A sparkline of `values` (oldest first) with its last value; `data-*` say what it shows. */
function chart(unit, metric, values) {
  const width = 150;
  const height = 32;
  const max = Math.max(...values, 0);
  // Until the history is full the points spread over the whole width, so a new chart is readable.
  const step = width / Math.max(values.length - 1, 1);
  // One value is drawn as a level line across the chart.
  const drawn = values.length === 1 ? [values[0], values[0]] : values;
  const points = drawn
    .map(
      (v, i) =>
        `${(i * step).toFixed(1)},${(height - 2 - (max === 0 ? 0 : (v / max) * (height - 4))).toFixed(1)}`,
    )
    .join(' ');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', points);
  line.setAttribute('class', metric);
  svg.append(line);
  const last = values.at(-1) ?? 0;
  return el(
    'figure',
    {
      class: 'chart',
      'data-metric': metric,
      'data-points': String(values.length),
      'data-last': String(last),
      'data-max': String(max),
    },
    svg,
    el('figcaption', {}, `${last < 10 ? last.toFixed(1) : Math.round(last)} ${unit}`),
  );
}

/** The credentials of the sign-in form, as `connect` takes them. */
function credentialsOf(form) {
  const method = form.elements.namedItem('authmethod').value;
  const authid = form.elements.namedItem('authid').value;
  const secret = form.elements.namedItem('secret').value;
  if (method === 'ticket') return { authid, ticket: secret };
  if (method === 'wampcra') return { authid, secret };
  return {};
}

async function main() {
  const config = await (await fetch('config.json')).json();
  $('realm').textContent = config.realm;
  const form = $('login');
  let stopped;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    connect({
      url: config.path, // on the page's own host
      realm: config.realm,
      serializer: 'json',
      reconnect: false,
      onDisconnect: (info) => stopped?.(info?.reason ?? 'closed'),
      ...credentialsOf(form),
    }).then(
      (client) => (stopped = start(client)),
      (err) => ($('login-error').textContent = err.message),
    );
  });
}

/** Shows the dashboard of `client`'s session; returns what to do when it is disconnected. */
function start(client) {
  $('login').hidden = true;
  $('main').hidden = false;
  const who = client.session?.details ?? {};
  $('who').textContent = `session ${client.session?.id} · ${who.authid ?? ''} (${who.authrole ?? 'no role'})`;
  const dashboard = new Dashboard(client);
  let timer;
  let closed = false;
  const tick = () =>
    dashboard.refresh().finally(() => {
      if (!closed) timer = setTimeout(tick, REFRESH_MS);
    });
  void tick();
  return (reason) => {
    closed = true;
    clearTimeout(timer);
    $('who').textContent = `disconnected: ${reason}`;
  };
}

void main();
