# Gerrit: who may do what through the ingress. Actions come from src/gerrit (or the method
# classifier: gerrit.read for GET/HEAD, gerrit.write otherwise).
package changegate.gerrit

import data.changegate.lib.has_role

on_gerrit if input.resource.upstream == "gerrit"

grants contains "gerrit_read_signed_in" if {
	on_gerrit
	input.action == "gerrit.read"
	has_role("viewer")
}

grants contains "gerrit_read_ci" if {
	on_gerrit
	input.action == "gerrit.read"
	has_role("ci")
}

grants contains "gerrit_write_reviewer" if {
	on_gerrit
	input.action == "gerrit.write"
	has_role("reviewer")
}

denies contains "gerrit_unknown_write" if {
	on_gerrit
	input.action == "gerrit.write.unknown"
}
