# The decision Changegate asks for on every request: data.changegate.decision.
#
# Deny overrides allow: a request is allowed when at least one rule grants it and no rule
# denies it. Grants and denials are reason codes, so the audit log says which rule decided.
package changegate

import data.changegate.dagster
import data.changegate.gerrit

default allow := false

allow if {
	count(denies) == 0
	count(grants) > 0
}

decision := {"allow": allow, "reasons": reasons}

reasons := denies if {
	count(denies) > 0
} else := grants if {
	count(grants) > 0
} else := {"no_rule_allows"}

grants contains reason if some reason in gerrit.grants

grants contains reason if some reason in dagster.grants

grants contains "admin" if "admin" in input.subject.roles

denies contains reason if some reason in gerrit.denies

denies contains reason if some reason in dagster.denies
