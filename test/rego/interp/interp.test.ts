// Interpreter semantics on hand-written IR: block exits, Scan levels, With restore, conflicts,
// and exact numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Block, Policy, Stmt } from '../../../src/rego/ir/types.js';
import { Interpreter } from '../../../src/rego/interp/eval.js';
import { EvalError } from '../../../src/rego/value/errors.js';
import { RNumber, compare, fromJS, toJSONText, typeName, RSet } from '../../../src/rego/value/value.js';
import { numAdd, numDiv } from '../../../src/rego/value/number.js';
import { parseJSONValue } from '../../../src/rego/value/json.js';

const at = { file: 0, row: 1, col: 1 };
const S = (type: string, stmt: Record<string, unknown>): Stmt => ({ type, stmt: { ...stmt, ...at } }) as unknown as Stmt;
const L = (value: number) => ({ type: 'local' as const, value });
const blk = (...stmts: Stmt[]): Block => ({ stmts });

function policy(blocks: Block[], strings: string[] = []): Policy {
  return { static: { strings: strings.map((value) => ({ value })), files: [{ value: 'x.rego' }] }, plans: { plans: [{ name: 'p', blocks }] } };
}

test('a failing statement leaves only its block; Break 1 leaves the enclosing one', () => {
  const p = policy([
    blk(
      S('MakeNumberIntStmt', { value: 1, target: 2 }),
      S('BlockStmt', { blocks: [blk(S('EqualStmt', { a: { type: 'bool', value: true }, b: { type: 'bool', value: false } }), S('ResultSetAddStmt', { value: 2 }))] }),
      S('ResultSetAddStmt', { value: 2 }),
      S('BlockStmt', { blocks: [blk(S('BreakStmt', { index: 1 }))] }),
      S('MakeNumberIntStmt', { value: 2, target: 3 }),
      S('ResultSetAddStmt', { value: 3 }),
    ),
  ]);
  assert.deepEqual(new Interpreter(p).eval('p').map(toJSONText), ['1']);
});

test('Scan visits every element; a failing body statement only skips one', () => {
  const p = policy([
    blk(
      S('MakeNumberIntStmt', { value: 2, target: 9 }),
      S('ScanStmt', {
        source: 0,
        key: 2,
        value: 3,
        block: blk(S('NotEqualStmt', { a: L(3), b: L(9) }), S('ResultSetAddStmt', { value: 3 })),
      }),
    ),
  ]);
  const res = new Interpreter(p).eval('p', { input: fromJS([1, 2, 3]) });
  assert.deepEqual(res.map(toJSONText), ['1', '3']);
});

test('With replaces a path for its block and restores afterwards', () => {
  const p = policy(
    [
      blk(
        S('WithStmt', {
          local: 0,
          path: [0],
          value: { type: 'string_index', value: 1 },
          block: blk(S('DotStmt', { source: L(0), key: { type: 'string_index', value: 0 }, target: 2 }), S('ResultSetAddStmt', { value: 2 })),
        }),
        S('DotStmt', { source: L(0), key: { type: 'string_index', value: 0 }, target: 3 }),
        S('ResultSetAddStmt', { value: 3 }),
      ),
    ],
    ['a', 'mocked'],
  );
  const res = new Interpreter(p).eval('p', { input: fromJS({ a: 'orig' }) });
  assert.deepEqual(res.map(toJSONText).sort(), ['"mocked"', '"orig"']);
});

test('conflicting AssignVarOnce is eval_conflict_error', () => {
  const p = policy([
    blk(
      S('AssignVarOnceStmt', { source: { type: 'bool', value: true }, target: 2 }),
      S('AssignVarOnceStmt', { source: { type: 'bool', value: false }, target: 2 }),
    ),
  ]);
  assert.throws(() => new Interpreter(p).eval('p'), (e: unknown) => e instanceof EvalError && e.code === 'eval_conflict_error');
});

test('numbers are exact and ordering is Rego order', () => {
  const a = RNumber.parse('0.1') as RNumber;
  const b = RNumber.parse('0.2') as RNumber;
  assert.equal(numAdd(a, b)?.toString(), '0.3');
  assert.equal(numDiv(RNumber.int(1), RNumber.int(4))?.toString(), '0.25');
  const big = parseJSONValue('123456789012345678901234567890');
  assert.equal(toJSONText(big), '123456789012345678901234567890');
  const vals = [new RSet(), fromJS({}), fromJS([]), 'a', RNumber.int(1), true, null];
  assert.deepEqual([...vals].sort(compare).map(typeName), ['null', 'boolean', 'number', 'string', 'array', 'object', 'set']);
});
