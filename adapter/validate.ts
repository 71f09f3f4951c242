// Checks a request's arguments against the protocol's declared types (adapter/dap-schema.ts,
// generated from @vscode/debugprotocol), so that a malformed request gets an error response
// naming what is wrong ("setBreakpoints: 'source' is required") instead of a TypeError from deep
// inside a handler. DAP's numbers are all integers (lines, ids, offsets, counts), so a number
// must be a safe integer; extra properties are allowed (launch attributes, clients' extensions).
// Requests the schema does not know (tbscope/*) are checked by their handlers.

import { DAP_ALIASES, DAP_TYPES } from './dap-schema';

/** The arguments type of a request, or undefined for a command DAP does not define. */
function argumentsType(command: string): string | undefined {
  const cap = command.charAt(0).toUpperCase() + command.slice(1);
  for (const name of [`${cap}Arguments`, `${cap}RequestArguments`]) if (DAP_TYPES[name]) return name;
  return undefined;
}

/** Splits a spec at top-level '|' (not inside parentheses). */
function alternatives(spec: string): string[] {
  const out: string[] = [];
  let depth = 0, from = 0;
  for (let i = 0; i < spec.length; i++) {
    if (spec[i] === '(') depth++;
    else if (spec[i] === ')') depth--;
    else if (spec[i] === '|' && depth === 0) { out.push(spec.slice(from, i)); from = i + 1; }
  }
  out.push(spec.slice(from));
  return out;
}

const describe = (v: unknown): string => v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"` : typeof v === 'number' || typeof v === 'boolean' ? String(v) : `a ${typeof v}`;

/** Why `value` does not fit `spec` (path names the value), or undefined when it does. */
function check(value: unknown, spec: string, path: string): string | undefined {
  const alts = alternatives(spec);
  if (alts.length > 1) {
    const problems = alts.map((a) => check(value, a, path));
    if (problems.some((p) => p === undefined)) return undefined;
    const literals = alts.filter((a) => a.startsWith('\''));
    if (literals.length === alts.length) return `'${path}' must be one of ${literals.join(', ')}, got ${describe(value)}`;
    return problems.find((p) => !p!.endsWith(`got ${describe(value)}`)) ?? `'${path}' has the wrong type (${describe(value)})`;
  }
  if (spec.startsWith('(') && spec.endsWith(')')) return check(value, spec.slice(1, -1), path);
  if (spec.endsWith('[]')) {
    if (!Array.isArray(value)) return `'${path}' must be an array, got ${describe(value)}`;
    for (let i = 0; i < value.length; i++) { const p = check(value[i], spec.slice(0, -2), `${path}[${i}]`); if (p) return p; }
    return undefined;
  }
  if (spec.startsWith('\'')) return value === spec.slice(1, -1) ? undefined : `'${path}' must be ${spec}, got ${describe(value)}`;
  switch (spec) {
    case 'any': return undefined;
    case 'null': return value === null ? undefined : `'${path}' must be null, got ${describe(value)}`;
    case 'string': case 'boolean': return typeof value === spec ? undefined : `'${path}' must be a ${spec}, got ${describe(value)}`;
    case 'number':
      if (typeof value !== 'number') return `'${path}' must be a number, got ${describe(value)}`;
      return Number.isSafeInteger(value) ? undefined : `'${path}' must be an integer below 2^53, got ${value}`;
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : `'${path}' must be an object, got ${describe(value)}`;
  }
  if (DAP_ALIASES[spec] !== undefined) return check(value, DAP_ALIASES[spec], path);
  const fields = DAP_TYPES[spec];
  if (!fields) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `'${path}' must be an object (${spec}), got ${describe(value)}`;
  return checkFields(value as Record<string, unknown>, fields, path ? `${path}.` : '');
}

function checkFields(obj: Record<string, unknown>, fields: Record<string, string>, prefix: string): string | undefined {
  for (const [name, spec] of Object.entries(fields)) {
    const optional = spec.endsWith('?');
    const v = obj[name];
    if (v === undefined) { if (!optional) return `'${prefix}${name}' is required`; continue; }
    const p = check(v, optional ? spec.slice(0, -1) : spec, `${prefix}${name}`);
    if (p) return p;
  }
  return undefined;
}

/** What is wrong with a request's arguments, as "command: problem", or undefined. */
export function argumentsProblem(command: string, args: unknown): string | undefined {
  const type = argumentsType(command);
  if (!type) return undefined;
  if (args === undefined) args = {};
  const p = check(args, type, '');
  return p && `${command}: ${p.replace(/^'' must be an object \(\w+\)/, 'the arguments must be an object')}`;
}
