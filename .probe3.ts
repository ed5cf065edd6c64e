import { lex } from './src/rego/parser/lexer.js';
const s = `x := ${Array.from({ length: 100000 }, () => 'x').join(' in ')}`;
let t = performance.now(); const r = lex(s, 'f', 1e9); console.log('lex', r.tokens.length, (performance.now() - t).toFixed(1));
t = performance.now(); lex(s, 'f', 1e9); console.log('lex2', (performance.now() - t).toFixed(1));
