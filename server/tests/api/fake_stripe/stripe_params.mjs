// Writes stripe_params.rs: the form parameters Stripe's API accepts on each endpoint Porchlight's
// client calls, read from stripe-node's TypeScript types. Run from this folder:
//   cd $(mktemp -d) && npm i -E stripe@<version> && cd - &&
//   node stripe_params.mjs <that folder>/node_modules/stripe > stripe_params.rs && cargo fmt
// (the header comes from stripe_params.head.txt).
import fs from 'fs';
import path from 'path';
const pkg = process.argv[2];
const root = path.join(pkg, 'esm');
const version = fs.readFileSync(path.join(pkg, 'VERSION'), 'utf8').trim();
const api = fs.readFileSync(path.join(pkg, 'cjs', 'apiVersion.js'), 'utf8').match(/ApiVersion = '([^']+)'/)[1];
const files = [path.join(root, 'shared.d.ts'), ...fs.readdirSync(path.join(root, 'resources')).filter(f => f.endsWith('.d.ts')).map(f => path.join(root, 'resources', f))];
const interfaces = new Map(); // qualified name -> {fields: [[name, type]], ext: [names], scope: [ns...]}
for (const file of files) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const stack = []; // {kind, name, indent}
  let cur = null; let pending = null;
  for (const line of lines) {
    const indent = line.match(/^ */)[0].length;
    let m;
    if ((m = line.match(/^\s*(?:export )?(?:declare )?namespace (\w+) \{\s*$/))) { stack.push({ kind: 'ns', name: m[1], indent }); continue; }
    if ((m = line.match(/^\s*(?:export )?interface (\w+)(?: extends ([\w., <>]+))? \{\s*$/))) {
      const scope = stack.filter(s => s.kind === 'ns').map(s => s.name);
      const q = [...scope, m[1]].join('.');
      cur = { fields: [], ext: m[2] ? m[2].split(',').map(s => s.trim()) : [], scope, indent };
      interfaces.set(q, cur); stack.push({ kind: 'if', name: m[1], indent }); continue;
    }
    if ((m = line.match(/^\s*\}\s*$/)) && stack.length && stack[stack.length - 1].indent === indent) {
      const top = stack.pop(); if (top.kind === 'if') cur = null; continue;
    }
    if (cur && indent === cur.indent + 4 && (m = line.match(/^\s*(\w+)\??: (.+?);?\s*$/))) { cur.fields.push([m[1], m[2]]); }
  }
}
function lookup(name, scope) {
  name = name.replace(/^Stripe\./, '');
  for (let i = scope.length; i >= 0; i--) {
    const q = [...scope.slice(0, i), name].join('.');
    if (interfaces.has(q)) return [q, interfaces.get(q)];
  }
  return null;
}
function strip(t) {
  t = t.trim();
  let m;
  while ((m = t.match(/^(?:Stripe\.)?Emptyable<(.+)>$/))) t = m[1].trim();
  return t;
}
function alternatives(t) { // split a top-level union
  const out = []; let depth = 0, start = 0;
  for (let i = 0; i < t.length; i++) { const c = t[i]; if (c === '<' || c === '(' || c === '{') depth++; else if (c === '>' || c === ')' || c === '}') depth--; else if (c === '|' && depth === 0) { out.push(t.slice(start, i).trim()); start = i + 1; } }
  out.push(t.slice(start).trim()); return out.filter(Boolean);
}
function expand(prefix, type, scope, depth, out, seen) {
  for (let alt of alternatives(strip(type))) {
    alt = strip(alt);
    let m;
    if ((m = alt.match(/^Array<(.+)>$/))) { expand(prefix + '[]', m[1], scope, depth, out, seen); continue; }
    if (/^(MetadataParam|Stripe\.MetadataParam)$/.test(alt)) { out.add(prefix + '[*]'); continue; }
    const found = /^[A-Z][\w.]*$/.test(alt) ? lookup(alt, scope) : null;
    if (found && found[1].fields.length && !seen.has(found[0])) {
      fieldsOf(found, prefix, depth + 1, out, new Set([...seen, found[0]]));
    } else if (found && found[1].fields.length === 0 && !found[1].ext.length) {
      out.add(prefix + '[*]');
    } else {
      out.add(prefix);
    }
  }
}
function fieldsOf([q, itf], prefix, depth, out, seen) {
  for (const e of itf.ext) { const f = lookup(e, itf.scope); if (f) fieldsOf(f, prefix, depth, out, seen); }
  const scope = q.split('.');
  for (const [name, type] of itf.fields) expand(prefix ? `${prefix}[${name}]` : name, type, scope, depth, out, seen);
}
// Each endpoint the client calls, and the interface of its parameters.
const endpoints = {
  'POST /v1/customers': 'CustomerCreateParams',
  'POST /v1/customers/{id}': 'CustomerUpdateParams',
  'POST /v1/setup_intents': 'SetupIntentCreateParams',
  'GET /v1/setup_intents/{id}': 'SetupIntentRetrieveParams',
  'GET /v1/payment_methods/{id}': 'PaymentMethodRetrieveParams',
  'POST /v1/payment_methods/{id}': 'PaymentMethodUpdateParams',
  'POST /v1/payment_methods/{id}/detach': 'PaymentMethodDetachParams',
  'POST /v1/payment_intents': 'PaymentIntentCreateParams',
  'GET /v1/payment_intents': 'PaymentIntentListParams',
  'GET /v1/payment_intents/{id}': 'PaymentIntentRetrieveParams',
  'POST /v1/payment_intents/{id}/cancel': 'PaymentIntentCancelParams',
  'GET /v1/charges/{id}': 'ChargeRetrieveParams',
};
const result = {};
for (const [endpoint, iface] of Object.entries(endpoints)) {
  const found = lookup(iface, []);
  if (!found) throw new Error('no interface ' + iface);
  const out = new Set(); fieldsOf(found, '', 0, out, new Set([found[0]]));
  result[endpoint] = [iface, [...out].sort()];
}
const header = fs.readFileSync(new URL('./stripe_params.head.txt', import.meta.url), 'utf8');
const out = [header.replaceAll('{version}', version).replaceAll('{api}', api).trimEnd()];
out.push('pub const ENDPOINTS: &[(&str, &[&str])] = &[');
for (const [endpoint, [iface, params]] of Object.entries(result)) {
  out.push(`    // \`${iface}\``);
  out.push(`    (\n        "${endpoint}",\n        &[`);
  for (const p of params) out.push(`            "${p}",`);
  out.push('        ],\n    ),');
}
out.push('];');
console.log(out.join('\n'));
