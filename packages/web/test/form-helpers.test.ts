import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSettings, parseYamlMapping } from '../src/admin/outpost-settings.ts';
import { draftOf, orNull, prefixed } from '../src/lib/draft.ts';

describe('form drafts', () => {
  const empty = { name: '', certificate: '', enabled: true, uris: [] as string[] };

  it('takes each key of the empty draft from the object, and keeps the empty value for null or missing', () => {
    assert.deepEqual(draftOf(empty, undefined), empty);
    assert.deepEqual(draftOf(empty, { name: 'edge', certificate: null, enabled: false, pk: 3 }), {
      name: 'edge',
      certificate: '',
      enabled: false,
      uris: [],
    });
  });

  it('does not share the empty draft’s object between drafts', () => {
    const draft = draftOf(empty, undefined);
    draft.name = 'changed';
    assert.equal(empty.name, '');
  });

  it('turns a select’s "None" into null, and prefixes the keys of field errors', () => {
    assert.equal(orNull(''), null);
    assert.equal(orNull('5f0c'), '5f0c');
    assert.deepEqual(prefixed({ name: ['taken'] }, 'provider_'), { provider_name: ['taken'] });
    assert.deepEqual(prefixed({ name: ['taken'] }, ''), { name: ['taken'] });
  });
});

describe('YAML fields', () => {
  it('reads a mapping, and says what is wrong with anything else', () => {
    assert.deepEqual(parseYamlMapping('a: 1\nb: [x]', 'The kubeconfig'), { config: { a: 1, b: ['x'] } });
    assert.deepEqual(parseYamlMapping('', 'The kubeconfig'), { config: {} });
    assert.deepEqual(parseYamlMapping('- a\n- b', 'The kubeconfig'), {
      problems: ['The kubeconfig must be a YAML mapping of keys to values.'],
    });
    const broken = parseYamlMapping('a: [1, 2', 'The kubeconfig');
    assert.ok(broken.problems?.length, 'a syntax error is a problem');
  });

  it('checks the known outpost settings with the server’s messages, and lets unknown keys pass', () => {
    assert.deepEqual(parseSettings('kubernetes_replicas: "three"'), {
      problems: ['kubernetes_replicas: must be a non-negative integer'],
    });
    assert.deepEqual(parseSettings('kubernetes_replicas: 2\nsomething_new: x'), {
      config: { kubernetes_replicas: 2, something_new: 'x' },
    });
  });
});
