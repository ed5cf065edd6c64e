// Tokens, positions, and the whitespace facts the parser relies on (`spaced`, `newline`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../../../src/rego/parser/lexer.js';

function kinds(src: string): string[] {
  const { tokens } = lex(src, 'f.rego', 1000);
  return tokens.map((t) => (t.kind === 'ident' || t.kind === 'number' ? `${t.kind}:${src.slice(t.start, t.end)}` : t.kind));
}

const TABLE: [source: string, want: string[]][] = [
  ['a := 1', ['ident:a', ':=', 'number:1', 'eof']],
  ['a=b==c!=d<e<=f>g>=h', ['ident:a', '=', 'ident:b', '==', 'ident:c', '!=', 'ident:d', '<', 'ident:e', '<=', 'ident:f', '>', 'ident:g', '>=', 'ident:h', 'eof']],
  ['x-1', ['ident:x', '-', 'number:1', 'eof']],
  ['1.5e-3 0e1 12', ['number:1.5e-3', 'number:0e1', 'number:12', 'eof']],
  ['"a\\"b" `c`', ['string', 'rawstring', 'eof']],
  ['if else.x in[ not.y', ['if', 'ident:else', '.', 'ident:x', 'ident:in', '[', 'ident:not', '.', 'ident:y', 'eof']],
  ['contains(x) some every', ['contains', '(', 'ident:x', ')', 'some', 'every', 'eof']],
  ['a # comment\nb', ['ident:a', 'ident:b', 'eof']],
  ['\ufeffpackage x', ['package', 'ident:x', 'eof']],
  ['a_1 _ A', ['ident:a_1', 'ident:_', 'ident:A', 'eof']],
  ['$"a" $`b`', ['template', 'template', 'eof']],
  ['$"a{x}b{ {1} }c"', ['templatestart', 'ident:x', 'templatemid', '{', 'number:1', '}', 'templateend', 'eof']],
  ['$"\\{x} {$"{y}"}"', ['templatestart', 'templatestart', 'ident:y', 'templateend', 'templateend', 'eof']],
  ['$`a\n{x}` }', ['templatestart', 'ident:x', 'templateend', '}', 'eof']],
];

for (const [source, want] of TABLE) {
  test(`lex ${JSON.stringify(source)}`, () => {
    assert.deepEqual(kinds(source), want);
  });
}

test('rows and columns count from 1 and follow raw strings across lines', () => {
  const { tokens } = lex('a\n  b `x\ny` c\n\td', 'f.rego', 100);
  assert.deepEqual(
    tokens.map((t) => [t.kind, t.row, t.col]),
    [['ident', 1, 1], ['ident', 2, 3], ['rawstring', 2, 5], ['ident', 3, 4], ['ident', 4, 2], ['eof', 4, 3]],
  );
});

test('spaced and newline flags', () => {
  const { tokens } = lex('a[b] c\nd #x\n e', 'f.rego', 100);
  assert.deepEqual(
    tokens.map((t) => [t.kind, t.spaced, t.newline]),
    [['ident', false, false], ['[', false, false], ['ident', false, false], [']', false, false],
     ['ident', true, false], ['ident', true, true], ['ident', true, true], ['eof', false, false]],
  );
});

test('comments keep their text and position', () => {
  const { comments } = lex('a # one\r\n# two', 'f.rego', 100);
  assert.deepEqual(comments.map((c) => [c.text, c.location.row, c.location.col, c.location.text]), [
    [' one', 1, 3, '# one'],
    [' two', 2, 1, '# two'],
  ]);
});

test('lexical problems point at the token start', () => {
  const { problems } = lex('x := "abc\ny := 1.\nz := 0x1', 'f.rego', 100);
  assert.deepEqual(problems.map((p) => [p.row, p.col, p.reason]), [
    [1, 6, 'non-terminated string'],
    [2, 6, 'expected fraction'],
    [3, 6, 'illegal number format'],
  ]);
});

test('the token limit stops lexing with a problem', () => {
  const { tokens, problems } = lex('a b c d e f', 'f.rego', 3);
  assert.equal(tokens.length, 4);
  assert.match(problems[0]?.reason ?? '', /too many tokens/);
});
