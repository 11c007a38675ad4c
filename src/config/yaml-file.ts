/**
 * YAML in, plain JS out, with every problem as a ConfigIssue naming the file and line:col.
 * `parseYaml` is pure; `readYamlFile` is the I/O edge.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type ScalarTag } from 'yaml';
import { SecretReference } from './secret-ref.js';
import type { ConfigIssue } from './issues.js';

export interface SourcePosition {
  line: number;
  col: number;
}

export interface ParsedYaml {
  file: string;
  /** The document as plain JS (`undefined` when it could not be parsed, `null` when empty). */
  value: unknown;
  /** Syntax errors, duplicate keys, tags: all errors. A file with any is not validated further. */
  issues: ConfigIssue[];
  /** Where a path (`['button', 'pin']`) starts in the source; the key's position for a map entry. */
  locate(path: ReadonlyArray<PropertyKey>): SourcePosition | undefined;
}

/** Tags of the YAML core schema (`!!str`, `!!int` …) are harmless; anything else is not for specs. */
const CORE_TAG = /^tag:yaml\.org,2002:/;

export interface YamlOptions {
  /**
   * Take `!secret name` as a SecretReference (hearth.yaml: tracker keys may live in ESPHome's
   * secrets.yaml); where it may appear is the schema's to say. Off for device specs.
   */
  secretTags?: boolean;
}

/** `!secret name` → SecretReference; written back the same way. */
const SECRET_TAG: ScalarTag = {
  tag: '!secret',
  identify: (value) => value instanceof SecretReference,
  resolve: (name) => new SecretReference(name.trim()),
  stringify: (item) => String((item.value as SecretReference).name),
};

export function parseYaml(text: string, file: string, options: YamlOptions = {}): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    uniqueKeys: true,
    lineCounter: lines,
    prettyErrors: false,
    ...(options.secretTags ? { customTags: [SECRET_TAG] } : {}),
  });
  const at = (offset: number): SourcePosition => lines.linePos(offset);
  const issues: ConfigIssue[] = [];

  for (const err of doc.errors) {
    const { line, col } = at(err.pos[0]);
    const what = err.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(doc, err.pos[0]) : `YAML syntax error: ${firstLine(err.message)}`;
    issues.push({ file, path: '', message: what, severity: 'error', line, col });
  }
  visit(doc, {
    Node(_key, node) {
      const tag = node.tag;
      if (!tag || CORE_TAG.test(tag) || (options.secretTags && tag === '!secret')) return;
      // The node's range starts after its tag; point at the tag as written, when it is.
      const start = node.range?.[0] ?? 0;
      const written = text.lastIndexOf(tag, start);
      const { line, col } = at(written >= 0 && start - written <= tag.length + 8 ? written : start);
      const message =
        tag === '!secret'
          ? 'YAML tag "!secret" is not allowed here: specs never hold secrets (the ESPHome generator writes the !secret references itself, by name)'
          : `YAML tag "${tag}" is not allowed: specs are plain YAML`;
      issues.push({ file, path: '', message, severity: 'error', line, col });
    },
  });

  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      issues.push({ file, path: '', message: `YAML error: ${(e as Error).message}`, severity: 'error', line: 1, col: 1 });
    }
  }

  return {
    file,
    value,
    issues,
    locate(path) {
      const node = nodeAt(doc, path);
      const offset = node?.range?.[0];
      return offset === undefined ? undefined : at(offset);
    },
  };
}

/** Reads and parses one YAML file; an unreadable file is an issue, not an exception. */
export async function readYamlFile(file: string, options: YamlOptions = {}): Promise<ParsedYaml> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? (e as Error).message})`;
    return { file, value: undefined, issues: [{ file, path: '', message: why, severity: 'error' }], locate: () => undefined };
  }
  return parseYaml(text, file, options);
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function duplicateKeyMessage(doc: Document, offset: number): string {
  let key: string | undefined;
  visit(doc, {
    Pair(_k, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) key = String(pair.key.value);
    },
  });
  return key === undefined ? 'duplicate key: map keys must be unique' : `duplicate key "${key}": map keys must be unique`;
}

/** The node a path leads to (for a map entry, its key node, which is where a reader looks). */
function nodeAt(doc: Document, path: ReadonlyArray<PropertyKey>): Node | undefined {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const part of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) return isNode(node) ? node : undefined;
      keyNode = isNode(pair.key) ? pair.key : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (item === undefined) return node;
      node = item;
    } else {
      return isNode(node) ? node : undefined;
    }
  }
  return keyNode ?? (isNode(node) ? node : undefined);
}
