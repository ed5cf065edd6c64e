# Dagster: Dagster OSS has no roles of its own, so every one of its permissions is decided
# here. Actions come from src/dagster (or the method classifier until it exists).
package changegate.dagster

import data.changegate.lib.has_role

on_dagster if input.resource.upstream == "dagster"

grants contains "dagster_read_viewer" if {
	on_dagster
	input.action == "dagster.read"
	some role in ["viewer", "ci"]
	has_role(role)
}

grants contains "dagster_write_operator" if {
	on_dagster
	input.action == "dagster.write"
	has_role("operator")
}
