package changegate.dagster_test

import data.changegate

user(roles) := {"id": "u1", "username": "carol", "email": "carol@example.com", "groups": [], "roles": roles, "via": "oidc", "human": true}

ci := {"id": "ci-runner", "username": "ci-runner", "groups": [], "roles": ["ci"], "via": "bearer", "human": false}

req := {"method": "POST", "path": "/dagster/graphql", "ip": "127.0.0.1", "requestId": "t"}

prod := {"name": "prod", "isBranchDeployment": false, "branch": false}

branch := {"name": "pr-42", "isBranchDeployment": true, "branch": true}

mutation(fields, deployment) := {
	"upstream": "dagster", "route": "graphql", "operation": "mutation",
	"deployment": deployment, "fields": fields,
}

decide(subject, action, fields) := d if {
	d := changegate.decision with input as {
		"subject": subject, "action": action, "resource": mutation(fields, prod), "request": req,
	}
}

launch_finance := {"field": "launchRun", "action": "dagster.run.launch", "location": "finance", "job": "etl"}

launch_ml := {"field": "launchRun", "action": "dagster.run.launch", "location": "ml", "job": "train"}

reload := {"field": "reloadWorkspace", "action": "dagster.workspace.reload"}

unknown := {"field": "subscribeToNotifications", "action": "dagster.write.unknown"}

query := {"upstream": "dagster", "route": "graphql", "operation": "query", "deployment": prod, "fields": []}

test_viewer_reads if {
	d := changegate.decision with input as {"subject": user(["viewer"]), "action": "dagster.read", "resource": query, "request": req}
	d.allow
}

test_anonymous_cannot_read if {
	d := changegate.decision with input as {"subject": null, "action": "dagster.read", "resource": query, "request": req}
	not d.allow
}

test_viewer_cannot_launch if {
	d := decide(user(["viewer"]), "dagster.run.launch", [launch_finance])
	not d.allow
}

test_viewer_harmless_mutation if {
	d := decide(user(["viewer"]), "dagster.harmless", [{"field": "setNuxSeen", "action": "dagster.harmless"}])
	d.allow
}

test_operator_all_run_actions if {
	allowed := {action |
		some action in ["dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate", "dagster.run.delete", "dagster.backfill.launch", "dagster.backfill.cancel", "dagster.schedule.start", "dagster.schedule.stop", "dagster.sensor.edit"]
		d := decide(user(["viewer", "operator"]), action, [{"field": "f", "action": action, "location": "finance"}])
		d.allow
	}
	count(allowed) == 9
}

test_operator_no_admin_actions if {
	allowed := {action |
		some action in ["dagster.location.reload", "dagster.workspace.reload", "dagster.asset.wipe", "dagster.concurrency.edit", "dagster.automaterialize.toggle"]
		d := decide(user(["viewer", "operator"]), action, [{"field": "f", "action": action}])
		d.allow
	}
	count(allowed) == 0
}

test_admin_admin_actions if {
	d := decide(user(["viewer", "admin"]), "dagster.workspace.reload", [reload])
	d.allow
}

test_every_field_is_judged if {
	d := decide(user(["viewer", "operator"]), "dagster.workspace.reload", [launch_finance, reload])
	not d.allow
}

test_unknown_mutation_denied_even_for_admin if {
	d := decide(user(["viewer", "admin"]), "dagster.write.unknown", [launch_finance, unknown])
	not d.allow
	d.reasons == {"dagster_unknown_mutation"}
}

test_ci_reads if {
	d := changegate.decision with input as {"subject": ci, "action": "dagster.read", "resource": query, "request": req}
	d.allow
}

test_ci_cannot_launch_in_prod if {
	d := decide(ci, "dagster.run.launch", [launch_finance])
	not d.allow
}

test_ci_launches_in_branch_deployment if {
	d := changegate.decision with input as {"subject": ci, "action": "dagster.run.launch", "resource": mutation([launch_finance], branch), "request": req}
	d.allow
}

test_ci_terminates_in_branch_deployment if {
	d := changegate.decision with input as {"subject": ci, "action": "dagster.run.terminate", "resource": mutation([{"field": "terminateRun", "action": "dagster.run.terminate"}], branch), "request": req}
	d.allow
}

test_narrowed_operator_in_location if {
	d := decide(user(["viewer", "operator"]), "dagster.run.launch", [launch_finance]) with data.dagster.grants as {"carol": {"locations": ["finance"]}}
	d.allow
}

test_narrowed_operator_outside_location if {
	d := decide(user(["viewer", "operator"]), "dagster.run.launch", [launch_finance, launch_ml]) with data.dagster.grants as {"carol": {"locations": ["finance"]}}
	not d.allow
	d.reasons == {"dagster_outside_granted_scope"}
}

test_narrowed_operator_by_job if {
	d := decide(user(["viewer", "operator"]), "dagster.run.launch", [launch_ml]) with data.dagster.grants as {"carol@example.com": {"jobs": ["ml/train"]}}
	d.allow
}

test_narrowed_operator_unknown_location_fails_closed if {
	d := decide(user(["viewer", "operator"]), "dagster.run.terminate", [{"field": "terminateRun", "action": "dagster.run.terminate", "runIds": ["r"]}]) with data.dagster.grants as {"carol": {"locations": ["finance"]}}
	not d.allow
}

test_other_operator_not_narrowed if {
	d := decide(user(["viewer", "operator"]), "dagster.run.launch", [launch_ml]) with data.dagster.grants as {"dave": {"locations": ["finance"]}}
	d.allow
}

test_asset_report_route_operator if {
	r := {"upstream": "dagster", "route": "report_asset_materialization", "deployment": prod, "assetKeys": ["a"]}
	d := changegate.decision with input as {"subject": user(["viewer", "operator"]), "action": "dagster.asset.report", "resource": r, "request": req}
	d.allow
	v := changegate.decision with input as {"subject": user(["viewer"]), "action": "dagster.asset.report", "resource": r, "request": req}
	not v.allow
}

test_rest_unknown_write_denied if {
	r := {"upstream": "dagster", "route": "other", "deployment": prod}
	d := changegate.decision with input as {"subject": user(["admin"]), "action": "dagster.write.unknown", "resource": r, "request": req}
	not d.allow
}

report(keys) := {"upstream": "dagster", "route": "report_asset_materialization", "deployment": prod, "assetKeys": keys}

report_by(subject, keys) := d if {
	d := changegate.decision with input as {"subject": subject, "action": "dagster.asset.report", "resource": report(keys), "request": req}
}

asset_grants := {"carol": {"assets": ["finance/ledger", "raw/*"]}}

test_asset_narrowed_operator_reports_granted_assets if {
	report_by(user(["viewer", "operator"]), ["finance/ledger"]).allow with data.dagster.grants as asset_grants
	report_by(user(["viewer", "operator"]), ["raw/events/2024"]).allow with data.dagster.grants as asset_grants
}

test_asset_narrowed_operator_refused_other_assets if {
	not report_by(user(["viewer", "operator"]), ["finance/payroll"]).allow with data.dagster.grants as asset_grants
	not report_by(user(["viewer", "operator"]), ["rawdata"]).allow with data.dagster.grants as asset_grants
	not report_by(user(["viewer", "operator"]), ["finance/ledger", "finance/payroll"]).allow with data.dagster.grants as asset_grants
	not report_by(user(["viewer", "operator"]), []).allow with data.dagster.grants as asset_grants
}

test_location_narrowed_operator_cannot_report_unscoped_assets if {
	not report_by(user(["viewer", "operator"]), ["finance/ledger"]).allow with data.dagster.grants as {"carol": {"locations": ["finance"]}}
}

test_asset_grant_covers_the_graphql_report_too if {
	field := {"field": "reportRunlessAssetEvents", "action": "dagster.asset.report", "assetKeys": ["raw/x"]}
	decide(user(["viewer", "operator"]), "dagster.asset.report", [field]).allow with data.dagster.grants as asset_grants
	other := {"field": "reportRunlessAssetEvents", "action": "dagster.asset.report", "assetKeys": ["finance/payroll"]}
	d := decide(user(["viewer", "operator"]), "dagster.asset.report", [other]) with data.dagster.grants as asset_grants
	not d.allow
	d.reasons == {"dagster_outside_granted_scope"}
}

test_asset_grant_does_not_launch_runs if {
	launch := {"field": "launchRun", "action": "dagster.run.launch", "location": "finance", "job": "etl", "assetKeys": ["raw/x"]}
	not decide(user(["viewer", "operator"]), "dagster.run.launch", [launch]).allow with data.dagster.grants as asset_grants
}

test_ci_launches_in_change_deployment if {
	change_deployment := {"name": "pr-42", "isBranchDeployment": true, "branch": true, "change": {"number": 42}}
	d := changegate.decision with input as {"subject": ci, "action": "dagster.run.launch", "resource": mutation([launch_finance], change_deployment), "request": req}
	d.allow
}

test_ci_reexecutes_but_cannot_reload_in_branch_deployment if {
	reexec := changegate.decision with input as {"subject": ci, "action": "dagster.run.reexecute", "resource": mutation([{"field": "launchRunReexecution", "action": "dagster.run.reexecute"}], branch), "request": req}
	reexec.allow
	reload_d := changegate.decision with input as {"subject": ci, "action": "dagster.workspace.reload", "resource": mutation([reload], branch), "request": req}
	not reload_d.allow
}

test_ci_branch_launch_needs_the_deployment_flag_not_a_name if {
	named_like_branch := {"name": "pr-42", "isBranchDeployment": false, "branch": false}
	d := changegate.decision with input as {"subject": ci, "action": "dagster.run.launch", "resource": mutation([launch_finance], named_like_branch), "request": req}
	not d.allow
}

test_viewer_cannot_launch_in_branch_deployment if {
	d := changegate.decision with input as {"subject": user(["viewer"]), "action": "dagster.run.launch", "resource": mutation([launch_finance], branch), "request": req}
	not d.allow
}

with_change(source) := object.union(mutation([launch_finance], prod), {"change": {"number": 7, "source": source}})

test_verified_change_allowed if {
	d := changegate.decision with input as {"subject": user(["viewer", "operator"]), "action": "dagster.run.launch", "resource": with_change("header-verified"), "request": req}
	d.allow
}

test_change_of_unknown_source_denied if {
	d := changegate.decision with input as {"subject": user(["viewer", "operator"]), "action": "dagster.run.launch", "resource": with_change("header"), "request": req}
	not d.allow
	"dagster_change_source_unknown" in d.reasons
}

test_change_without_source_denied_even_for_admins if {
	r := object.union(mutation([launch_finance], prod), {"change": {"number": 7}})
	d := changegate.decision with input as {"subject": user(["admin"]), "action": "dagster.run.launch", "resource": r, "request": req}
	not d.allow
}

# --- deploy on merge and the deployments page --------------------------------------------------

deployer := {"id": "changegate:deploy-on-merge", "username": "changegate", "groups": [], "roles": [], "via": "service", "human": false}

merged_change := {"number": 7, "id": "I0123456789abcdef0123456789abcdef01234567", "project": "data-pipelines", "branch": "main", "patchset": 2, "owner": "bob", "status": "MERGED", "source": "deploy-on-merge"}

on_merge(subject, action, change, deployment) := d if {
	d := changegate.decision with input as {
		"subject": subject, "action": action,
		"resource": {"upstream": "dagster", "via": "deploy-on-merge", "location": "finance", "job": "smoke_test", "deployment": deployment, "change": change},
		"request": {"method": "INTERNAL", "path": "", "ip": "", "requestId": "t"},
	}
}

test_deploy_on_merge_reloads_and_launches_in_production if {
	on_merge(deployer, "dagster.location.reload", merged_change, prod).allow
	on_merge(deployer, "dagster.run.launch", merged_change, prod).allow
}

test_deploy_on_merge_needs_a_merged_change if {
	not on_merge(deployer, "dagster.location.reload", object.union(merged_change, {"status": "OPEN"}), prod).allow
}

test_deploy_on_merge_is_only_for_production if {
	not on_merge(deployer, "dagster.run.launch", merged_change, branch).allow
}

test_deploy_on_merge_grants_nothing_else if {
	not on_merge(deployer, "dagster.workspace.reload", merged_change, prod).allow
	not on_merge(deployer, "dagster.asset.wipe", merged_change, prod).allow
}

test_a_person_cannot_claim_deploy_on_merge if {
	not on_merge(user(["viewer"]), "dagster.location.reload", merged_change, prod).allow
	not on_merge(object.union(deployer, {"via": "bearer"}), "dagster.location.reload", merged_change, prod).allow
}

view(subject, change) := d if {
	d := changegate.decision with input as {
		"subject": subject, "action": "deployment.view",
		"resource": {"upstream": "dagster", "deployment": {"name": "gerrit-change-7", "isBranchDeployment": true, "branch": true, "change": change}},
		"request": {"method": "GET", "path": "/.changegate/api/deployments", "ip": "127.0.0.1", "requestId": "t"},
	}
}

test_readers_and_change_members_see_deployments if {
	view(user(["viewer"]), merged_change).allow
	view(object.union(user([]), {"username": "bob"}), merged_change).allow
	not view(object.union(user([]), {"username": "mallory"}), merged_change).allow
}
