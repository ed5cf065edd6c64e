# The default policy in a Gerrit change's branch deployment (issue 16), one test per row:
#
# | caller                        | open change's deployment          | closed (MERGED/CLOSED) one   | production |
# |-------------------------------|-----------------------------------|------------------------------|------------|
# | owner, reviewer               | launch, re-execute, terminate     | terminate only               | no         |
# | ci                            | launch, re-execute, terminate     | terminate only               | no         |
# | operator                      | every operator action (as before) | no launch/re-execute/backfill| yes        |
# | admin                         | everything                        | no launch/re-execute/backfill| yes        |
# | viewer (not owner/reviewer)   | read                              | read                         | read       |
# | anyone                        | delete, reload, backfills: as in production (operator/admin) |  |   |
package changegate.dagster_branch_deployment_test

import data.changegate

person(username, roles) := {"id": username, "username": username, "email": concat("", [username, "@example.com"]), "groups": [], "roles": roles, "via": "oidc", "human": true}

owner := person("olivia", ["viewer"])

reviewer := person("rico", ["viewer"])

stranger := person("sam", ["viewer"])

operator := person("opal", ["viewer", "operator"])

admin := person("ada", ["viewer", "admin"])

ci := {"id": "ci-runner", "username": "ci-runner", "groups": [], "roles": ["ci"], "via": "bearer", "human": false}

req := {"method": "POST", "path": "/dagster/changes/42/graphql", "ip": "127.0.0.1", "requestId": "t"}

change(status) := {"number": 42, "id": "I0123456789abcdef0123456789abcdef01234567", "project": "data-pipelines", "branch": "main", "patchset": 3, "owner": "olivia", "reviewers": ["rico", "rita"], "status": status}

deployment(status) := {"name": "gerrit-change-42", "isBranchDeployment": true, "branch": true, "change": change(status), "gitSha": "0123456789abcdef0123456789abcdef01234567", "shadowSuffix": "_dagster_pr_42"}

prod := {"name": "prod", "isBranchDeployment": false, "branch": false}

field(action) := {"field": "f", "action": action, "location": "finance", "job": "etl"}

decide_in(dep, subject, action) := d if {
	d := changegate.decision with input as {
		"subject": subject, "action": action, "request": req,
		"resource": {"upstream": "dagster", "route": "graphql", "operation": "mutation", "deployment": dep, "fields": [field(action)]},
	}
}

read_in(dep, subject) := d if {
	d := changegate.decision with input as {
		"subject": subject, "action": "dagster.read", "request": req,
		"resource": {"upstream": "dagster", "route": "graphql", "operation": "query", "deployment": dep, "fields": []},
	}
}

run_actions := ["dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate"]

allowed_run_actions(dep, subject) := {a | some a in run_actions; decide_in(dep, subject, a).allow}

# --- open change ---------------------------------------------------------------------------------

test_owner_launches_reexecutes_terminates if allowed_run_actions(deployment("OPEN"), owner) == {"dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate"}

test_reviewer_launches_reexecutes_terminates if allowed_run_actions(deployment("OPEN"), reviewer) == {"dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate"}

test_ci_launches_reexecutes_terminates if allowed_run_actions(deployment("OPEN"), ci) == {"dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate"}

test_stranger_viewer_cannot_run if count(allowed_run_actions(deployment("OPEN"), stranger)) == 0

test_anonymous_cannot_run if count(allowed_run_actions(deployment("OPEN"), null)) == 0

test_operator_runs_as_before if allowed_run_actions(deployment("OPEN"), operator) == {"dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate"}

test_owner_forbidden_actions_all_refused if {
	refused := {action |
		some action in ["dagster.run.delete", "dagster.backfill.launch", "dagster.schedule.start", "dagster.sensor.edit", "dagster.workspace.reload", "dagster.location.reload", "dagster.asset.wipe"]
		not decide_in(deployment("OPEN"), owner, action).allow
	}
	count(refused) == 7
}

test_every_field_must_be_a_member_action if {
	d := changegate.decision with input as {
		"subject": owner, "action": "dagster.workspace.reload", "request": req,
		"resource": {"upstream": "dagster", "route": "graphql", "operation": "mutation", "deployment": deployment("OPEN"), "fields": [field("dagster.run.launch"), field("dagster.workspace.reload")]},
	}
	not d.allow
}

test_viewer_reads_branch_deployment if read_in(deployment("OPEN"), stranger).allow

test_owner_matched_by_username_not_email if {
	# Same email as the owner's username would give, another user name: not the owner.
	impostor := object.union(person("mallory", ["viewer"]), {"email": "olivia"})
	count(allowed_run_actions(deployment("OPEN"), impostor)) == 0
}

test_empty_owner_matches_no_one if {
	dep := object.union(deployment("OPEN"), {"change": object.union(change("OPEN"), {"owner": "", "reviewers": [""]})})
	count(allowed_run_actions(dep, person("", ["viewer"]))) == 0
}

test_owner_needs_the_branch_flag if {
	# A deployment carrying a change but not marked as a branch deployment is production.
	dep := object.union(deployment("OPEN"), {"isBranchDeployment": false, "branch": false})
	count(allowed_run_actions(dep, owner)) == 0
	count(allowed_run_actions(dep, ci)) == 0
}

test_config_branch_deployment_has_no_owner if {
	# Declared in the config: a change number only, so only ci (and operators) may run there.
	dep := {"name": "pr-42", "isBranchDeployment": true, "branch": true, "change": {"number": 42}}
	count(allowed_run_actions(dep, owner)) == 0
	allowed_run_actions(dep, ci) == {"dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate"}
}

# --- closed change ------------------------------------------------------------------------------

test_nobody_launches_or_reexecutes_in_a_closed_change if {
	refused := {[status, who, action] |
		some status in ["MERGED", "CLOSED"]
		some who, subject in {"owner": owner, "reviewer": reviewer, "ci": ci, "operator": operator, "admin": admin}
		some action in ["dagster.run.launch", "dagster.run.reexecute"]
		d := decide_in(deployment(status), subject, action)
		not d.allow
		d.reasons == {"dagster_change_closed"}
	}
	count(refused) == 20
}

test_closed_change_backfills_all_refused if {
	refused := {action |
		some action in ["dagster.backfill.launch", "dagster.backfill.resume", "dagster.backfill.reexecute"]
		not decide_in(deployment("CLOSED"), admin, action).allow
	}
	count(refused) == 3
}

test_closed_change_still_terminates if {
	decide_in(deployment("MERGED"), owner, "dagster.run.terminate").allow
	decide_in(deployment("CLOSED"), ci, "dagster.run.terminate").allow
}

test_closed_change_still_readable if read_in(deployment("CLOSED"), stranger).allow

test_closed_deny_reads_the_top_action_too if {
	# A request whose fields were left out is still refused by its action.
	d := changegate.decision with input as {
		"subject": admin, "action": "dagster.run.launch", "request": req,
		"resource": {"upstream": "dagster", "route": "graphql", "operation": "mutation", "deployment": deployment("MERGED"), "fields": []},
	}
	not d.allow
}

# --- production ------------------------------------------------------------------------------------

test_owner_cannot_run_in_production if count(allowed_run_actions(prod, owner)) == 0

test_ci_cannot_run_in_production if count(allowed_run_actions(prod, ci)) == 0

test_production_needs_operator if allowed_run_actions(prod, operator) == {"dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate"}

test_viewer_reads_production if read_in(prod, stranger).allow
