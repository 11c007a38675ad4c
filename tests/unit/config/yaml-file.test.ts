import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/config/yaml-file.js';
import { formatIssue } from '../../../src/config/issues.js';

describe('parseYaml', () => {
  it('returns the plain value of a valid document', () => {
    const parsed = parseYaml('name: a\npins: [1, 2]\nwhen: "08:00"\nflag: on\n', 'x.yaml');
    expect(parsed.issues).toEqual([]);
    // YAML 1.2: `on` stays a string, no sexagesimal surprises.
    expect(parsed.value).toEqual({ name: 'a', pins: [1, 2], when: '08:00', flag: 'on' });
  });

  it('reports a syntax error with the file and line:col', () => {
    const parsed = parseYaml('people:\n  - id: sam\n    due: { daily: ["08:00"]\n    window: 2h\n', 'hearth.yaml');
    expect(parsed.value).toBeUndefined();
    expect(parsed.issues.length).toBeGreaterThan(0);
    const [first] = parsed.issues;
    expect(first).toMatchObject({ file: 'hearth.yaml', path: '', severity: 'error', line: 4, col: 5 });
    expect(first!.message).toMatch(/^YAML syntax error: /);
    expect(formatIssue(first!)).toMatch(/^hearth\.yaml:4:5: YAML syntax error: /);
  });

  it('reports bad indentation with its line', () => {
    const parsed = parseYaml('kind: reminder-button\nbutton:\n  pin: 25\n led:\n', 'devices/b.yaml');
    expect(parsed.issues[0]).toMatchObject({ file: 'devices/b.yaml', line: 4, severity: 'error' });
  });

  it('makes duplicate keys an error naming the key and its line', () => {
    const parsed = parseYaml('kind: reminder-button\nname: a\nname: b\n', 'devices/a.yaml');
    expect(parsed.issues).toEqual([
      { file: 'devices/a.yaml', path: '', severity: 'error', line: 3, col: 1, message: 'duplicate key "name": map keys must be unique' },
    ]);
  });

  it('rejects !secret in a spec: specs never hold secrets', () => {
    const parsed = parseYaml('name: a\napi_key: !secret a_api_key\n', 'devices/a.yaml');
    expect(parsed.issues).toHaveLength(1);
    expect(parsed.issues[0]).toMatchObject({ file: 'devices/a.yaml', line: 2, col: 10, severity: 'error' });
    expect(parsed.issues[0]!.message).toContain('!secret');
    expect(parsed.issues[0]!.message).toContain('never hold secrets');
  });

  it('rejects any other custom tag, but allows the core !!str', () => {
    expect(parseYaml('a: !include other.yaml\n', 'x.yaml').issues[0]!.message).toContain('YAML tag "!include" is not allowed');
    const core = parseYaml('a: !!str 25\n', 'x.yaml');
    expect(core.issues).toEqual([]);
    expect(core.value).toEqual({ a: '25' });
  });

  it('rejects several documents in one file', () => {
    const parsed = parseYaml('a: 1\n---\nb: 2\n', 'x.yaml');
    expect(parsed.issues[0]).toMatchObject({ file: 'x.yaml', severity: 'error', line: 2 });
  });

  it('gives an empty file as null', () => {
    expect(parseYaml('# nothing\n', 'x.yaml')).toMatchObject({ value: null, issues: [] });
  });

  it('locates paths: the key of a map entry, an item of a list', () => {
    const parsed = parseYaml('a: 1\nbutton:\n  pin: 25\ntracks:\n  - x\n  - y\n', 'x.yaml');
    expect(parsed.locate(['button', 'pin'])).toEqual({ line: 3, col: 3 });
    expect(parsed.locate(['tracks', 1])).toEqual({ line: 6, col: 5 });
    expect(parsed.locate([])).toEqual({ line: 1, col: 1 });
  });
});
