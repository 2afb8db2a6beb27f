import { describe, expect, it } from 'vitest';
import { DatasetError, EvalError } from '../eval-error.js';
import { defineColumnMapping, mappingMode, parseColumnMapping, resolveColumns } from './column-mapping.js';

describe('parseColumnMapping', () => {
  it('reads field=column pairs and empty columns as ignored', () => {
    expect(parseColumnMapping('text=question, reference=answer,domain=category,language=')).toEqual({
      text: 'question',
      reference: 'answer',
      domain: 'category',
      language: null,
    });
  });

  it('rejects unknown fields, listing the known ones', () => {
    expect(() => parseColumnMapping('txt=question')).toThrow(
      '--map: unknown field "txt"; fields are conversation_id, turn, role, text, domain, intent, language, draft, nuggets, reference',
    );
  });

  it('rejects malformed pairs, repeated fields and one column for two fields', () => {
    expect(() => parseColumnMapping('text')).toThrow('--map: expected field=column, got "text"');
    expect(() => parseColumnMapping('text=a,text=b')).toThrow('--map: text is mapped twice');
    expect(() => parseColumnMapping('text=a,reference=a')).toThrow(
      '--map: reference: column "a" is already mapped to text',
    );
  });

  it('rejects role and turn columns in a single-turn mapping', () => {
    expect(() => parseColumnMapping('reference=answer,role=who')).toThrow(
      '--map: role: a single-turn mapping (one with `reference`) has no role or turn column',
    );
  });

  it('throws usage errors, which are the user’s to fix', () => {
    try {
      parseColumnMapping('nope');
    } catch (error) {
      expect(EvalError.isInstance(error) && error.code).toBe('usage');
    }
  });
});

describe('defineColumnMapping', () => {
  it('validates the object form as configuration', () => {
    expect(defineColumnMapping({ text: 'q' })).toEqual({ text: 'q' });
    expect(() => defineColumnMapping({ text: 3 }, 'suite.json: mapping')).toThrow(
      'suite.json: mapping: text: expected a string, got number 3',
    );
  });
});

describe('resolveColumns', () => {
  const at = { file: 'x.csv', line: 1 };

  it('uses canonical names by default and mapped names where given', () => {
    const resolved = resolveColumns({ text: 'message' }, ['conversation_id', 'role', 'message', 'mood'], at);
    expect(resolved).toEqual({
      mode: 'turns',
      indices: { conversation_id: 0, role: 1, text: 2 },
      names: { conversation_id: 'conversation_id', role: 'role', text: 'message' },
      extras: [[3, 'mood']],
    });
  });

  it('drops a column named like a field that another column replaces', () => {
    const resolved = resolveColumns(
      { text: 'message', domain: null },
      ['conversation_id', 'role', 'message', 'text', 'domain'],
      at,
    );
    expect(resolved.extras).toEqual([]);
    expect(resolved.indices.domain).toBeUndefined();
  });

  it('selects single-turn mode when a reference column is mapped', () => {
    expect(mappingMode(parseColumnMapping('reference=answer'))).toBe('single-turn');
    expect(resolveColumns({ reference: 'answer' }, ['text', 'answer'], at).mode).toBe('single-turn');
  });

  it('names the header line and field when a column is missing or doubled', () => {
    expect(() => resolveColumns({}, ['conversation_id', 'role'], at)).toThrow(
      'x.csv:1: text: no column for text (columns: conversation_id, role); name it in the column mapping',
    );
    try {
      resolveColumns({}, ['role', 'role'], at);
    } catch (error) {
      expect(DatasetError.isInstance(error)).toBe(true);
      expect((error as DatasetError).message).toBe('x.csv:1: role: the header has two columns named "role"');
    }
  });
});
