package changegate_test

import data.changegate

human(roles) := {"id": "u1", "username": "u1", "groups": [], "roles": roles, "via": "oidc", "human": true}

req(method, path) := {"method": method, "path": path, "ip": "127.0.0.1", "requestId": "t"}

test_viewer_reads_gerrit if {
	d := changegate.decision with input as {
		"subject": human(["viewer"]),
		"action": "gerrit.read",
		"resource": {"upstream": "gerrit"},
		"request": req("GET", "/changes/"),
	}
	d.allow
	d.reasons == {"gerrit_read_signed_in"}
}

test_viewer_cannot_write_gerrit if {
	d := changegate.decision with input as {
		"subject": human(["viewer"]),
		"action": "gerrit.write",
		"resource": {"upstream": "gerrit"},
		"request": req("POST", "/changes/1/submit"),
	}
	not d.allow
	d.reasons == {"no_rule_allows"}
}

test_anonymous_denied if {
	d := changegate.decision with input as {
		"subject": null,
		"action": "gerrit.read",
		"resource": {"upstream": "gerrit"},
		"request": req("GET", "/"),
	}
	not d.allow
}

test_unknown_write_denied_even_for_admin if {
	d := changegate.decision with input as {
		"subject": human(["viewer", "admin"]),
		"action": "gerrit.write.unknown",
		"resource": {"upstream": "gerrit"},
		"request": req("POST", "/x"),
	}
	not d.allow
	d.reasons == {"gerrit_unknown_write"}
}

test_operator_launches_dagster_runs if {
	launch := {"field": "launchRun", "action": "dagster.run.launch", "location": "finance", "job": "etl"}
	d := changegate.decision with input as {
		"subject": human(["viewer", "operator"]),
		"action": "dagster.run.launch",
		"resource": {"upstream": "dagster", "operation": "mutation", "fields": [launch]},
		"request": req("POST", "/dagster/graphql"),
	}
	d.allow
}

test_ci_reads_dagster if {
	d := changegate.decision with input as {
		"subject": {"id": "ci-runner", "username": "ci-runner", "groups": [], "roles": ["ci"], "via": "bearer", "human": false},
		"action": "dagster.read",
		"resource": {"upstream": "dagster"},
		"request": req("GET", "/dagster/graphql"),
	}
	d.allow
}
