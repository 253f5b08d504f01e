// Lint Cypher statements offline with Neo4j's own front-end (@neo4j-cypher/language-support).
//
// stdin:  {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//          "statements": [{"name": "...", "text": "...", "parameters": {"rows": [], ...}}]}
// stdout: a JSON array of every diagnostic,
//          {"name", "severity": "error"|"warning"|"information"|"hint", "message", "line", "col"}
//          (line and col 1-based, in the statement's text).
// Exit 0 when linting ran, whatever it found; non-zero only when the harness itself failed
// (bad input, the package missing, or its semantic analysis not answering).
//
// API used (2.0.0-next.20, read from dist/.../syntaxValidation.d.ts and dbSchema.d.ts):
//   lintCypherQuery(query: string, dbSchema: DbSchema, consoleCommandsEnabled?: boolean): SyntaxDiagnostic[]
//   DbSchema = {labels?, relationshipTypes?, databaseNames?, aliasNames?, userNames?, roleNames?,
//               parameters?: Record<string, unknown>, propertyKeys?, procedures?, functions?,
//               defaultLanguage?: 'CYPHER 5' | 'CYPHER 25'}
//   SyntaxDiagnostic = LSP Diagnostic {severity: 1 Error | 2 Warning | 3 Information | 4 Hint,
//                      range: {start: {line, character}} (0-based), message} + offsets.
// Cost: ~1 s to load the front-end, then ~50 ms a statement (its semantic analysis); worker
// threads were tried and did not pay on a 2-core machine, so it is one thread.
// The ESM entry of this version has extensionless imports Node cannot resolve, so the CommonJS
// bundle is loaded through createRequire.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function fail(message) {
  process.stderr.write(`cypher lint harness: ${message}\n`);
  process.exit(2);
}

function dbSchema(schema, parameters) {
  return {
    labels: [...(schema.labels ?? [])],
    relationshipTypes: [...(schema.relationshipTypes ?? [])],
    // Not checked by lintCypherQuery in this version (used only for completion); passed anyway.
    propertyKeys: [...(schema.propertyKeys ?? [])],
    // Undeclared $params are errors; a declared one needs a value that is not undefined.
    parameters: { ...(parameters ?? {}) },
    // functions/procedures left out on purpose: when absent the linter does not check calls
    // against a registry (with an empty registry every built-in function would be "not present").
  };
}

// Lint statements [{name, text, parameters}] against schema; the diagnostics, or throws.
function lintAll(schema, statements) {
  const require = createRequire(import.meta.url);
  const { lintCypherQuery } = require('@neo4j-cypher/language-support');
  // The semantic analysis (Neo4j's front-end compiled to JS) swallows its own exceptions and
  // then reports nothing: make sure it answers before trusting a clean result.
  const canary = lintCypherQuery('MATCH (n) RETURN m', dbSchema({ labels: [], relationshipTypes: [] }, {}));
  if (!canary.some((d) => d.severity === 1 && /Variable `m` not defined/.test(d.message))) {
    throw new Error(`semantic analysis did not report an undefined variable: ${JSON.stringify(canary)}`);
  }
  const out = [];
  for (const st of statements) {
    const { name } = st;
    if (st.text.trim() === '') {
      out.push({ name, severity: 'error', message: 'empty statement', line: 1, col: 1 });
      continue;
    }
    for (const d of lintCypherQuery(st.text, dbSchema(schema, st.parameters))) {
      out.push({
        name,
        severity: SEVERITY[d.severity] ?? String(d.severity),
        message: d.message,
        line: d.range.start.line + 1,
        col: d.range.start.character + 1,
      });
    }
  }
  return out;
}

function main() {
  let input;
  try {
    input = JSON.parse(readFileSync(0, 'utf8'));
  } catch (e) {
    fail(`stdin is not JSON: ${e.message}`);
  }
  if (!input || !Array.isArray(input.statements)) fail('expected {"schema": {...}, "statements": [...]}');
  const schema = input.schema ?? {};
  const statements = input.statements.map((st, i) => {
    const name = st?.name ?? `statement ${i}`;
    if (typeof st?.text !== 'string') fail(`${name}: "text" is not a string`);
    return { name, text: st.text, parameters: st.parameters ?? {} };
  });
  let out;
  try {
    out = lintAll(schema, statements);
  } catch (e) {
    fail(e.stack ?? String(e));
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main();
