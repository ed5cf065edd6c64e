import { parseModule } from '../src/rego/parser/index.js';
import { generatedPolicy } from '../src/rego/parser/parser.bench.js';
const p = generatedPolicy(200);
for (let i = 0; i < 300; i++) parseModule(p, 'b.rego');
