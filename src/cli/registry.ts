// Every CLI command, in the order `changegate --help` lists them. Adding a command is one line
// here: import its Command object and put it in the list.

import type { Command } from './command.js';
import { auditQueryCommand } from './commands/audit-query.js';
import { auditReportCommand } from './commands/audit-report.js';
import { auditVerifyCommand } from './commands/audit-verify.js';
import { configCheckCommand } from './commands/config-check.js';
import { demoCommand } from './commands/demo.js';
import { helpCommand } from './commands/help.js';
import { policyBuildCommand, policyEvalCommand, policyTestCommand } from './commands/policy.js';
import { serveCommand } from './commands/serve.js';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  demoCommand,
  configCheckCommand,
  policyBuildCommand,
  policyTestCommand,
  policyEvalCommand,
  auditVerifyCommand,
  auditQueryCommand,
  auditReportCommand,
  helpCommand(() => COMMANDS),
];
