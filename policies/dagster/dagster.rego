# Dagster: Dagster OSS has no roles of its own, so every one of its permissions is decided
# here. Actions and resource attributes come from src/upstreams/dagster (see src/upstreams/dagster/README.md).
#
# A mutation is judged field by field: input.resource.fields lists every root field that will
# execute (one entry per run for terminateRuns, per item for launchMultipleRuns), each with its
# own action and scope. The request is granted only if every entry is allowed, and denied if
# any entry is an unknown mutation. input.action is the most privileged of them (for audit).
#
# Admins are granted everything by data.changegate; the rules below grant the other roles.
#
# Narrowing (policies/data.yaml): an operator listed under dagster.grants (by username, email
# or subject id) may use operator actions only in those code locations or jobs:
#   dagster:
#     grants:
#       carol:
#         locations: [finance]
#         jobs: [ml/train]          # "<location>/<job>"
#         assets: [finance/ledger, raw/*]   # asset reports only; "<prefix>/*" covers a prefix
package changegate.dagster

import data.changegate.lib.has_role

on_dagster if input.resource.upstream == "dagster"

is_mutation if input.resource.operation == "mutation"

read_actions := {"dagster.read", "dagster.harmless"}

operator_actions := {
	"dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate", "dagster.run.delete",
	"dagster.backfill.launch", "dagster.backfill.cancel", "dagster.backfill.resume", "dagster.backfill.reexecute",
	"dagster.schedule.start", "dagster.schedule.stop", "dagster.schedule.reset", "dagster.schedule.dryrun",
	"dagster.sensor.edit", "dagster.sensor.cursor", "dagster.sensor.dryrun",
	"dagster.asset.report", "dagster.partition.edit",
}

# Only admins (granted by data.changegate): listed so a reader sees the whole vocabulary.
admin_actions := {
	"dagster.location.reload", "dagster.location.shutdown", "dagster.workspace.reload",
	"dagster.asset.wipe", "dagster.automaterialize.toggle", "dagster.concurrency.edit",
}

reader if has_role("viewer")

reader if has_role("ci")

reader if has_role("operator")

# --- who may do what, per judged item ---------------------------------------------------------

allowed(action, _) if {
	action in read_actions
	reader
}

allowed(action, item) if {
	action in operator_actions
	has_role("operator")
	in_scope(item)
}

# --- branch deployments ----------------------------------------------------------------------
# A branch deployment is a webserver built for one Gerrit change (by the deployments controller,
# which puts the whole change in resource.deployment.change) or declared in the config for a
# branch or change (upstreams.dagster.deployment; its change has no owner, reviewers or status).
# There, the change's owner, its reviewers and ci may launch, re-execute and terminate runs: it
# is their staging copy, writing to its own shadow schema. Production (main) keeps needing
# operator. resource.deployment.branch is the older name of isBranchDeployment, kept in the input
# for policies written against it.

branch_run_actions := {"dagster.run.launch", "dagster.run.reexecute", "dagster.run.terminate"}

in_branch_deployment if input.resource.deployment.isBranchDeployment == true

deployment_change := input.resource.deployment.change

# Matched on the user name: it is what the proxy sends Gerrit as the caller, so it is the name
# Gerrit knows them by. An owner Gerrit knows only by email matches no one (fail closed).
change_member if {
	deployment_change.owner != ""
	deployment_change.owner == input.subject.username
}

change_member if {
	some reviewer in deployment_change.reviewers
	reviewer != ""
	reviewer == input.subject.username
}

allowed(action, _) if {
	action in branch_run_actions
	in_branch_deployment
	has_role("ci")
}

allowed(action, _) if {
	action in branch_run_actions
	in_branch_deployment
	change_member
}

# A narrowed operator may report events for the assets granted (REST report_asset_* routes and
# reportRunlessAssetEvents name them in assetKeys; a report naming none is not covered).
allowed("dagster.asset.report", item) if {
	has_role("operator")
	some n in narrowings
	assets_granted(item, n)
}

# --- narrowing by data.dagster.grants -----------------------------------------------------------

subject_keys contains input.subject.username

subject_keys contains input.subject.email

subject_keys contains input.subject.id

narrowings contains n if {
	some key in subject_keys
	n := data.dagster.grants[key]
}

narrowed if count(narrowings) > 0

in_scope(_) if not narrowed

in_scope(item) if {
	some n in narrowings
	item.location in n.locations
}

in_scope(item) if {
	some n in narrowings
	concat("/", [item.location, item.job]) in n.jobs
}

assets_granted(item, n) if {
	count(item.assetKeys) > 0
	not asset_outside(item, n)
}

asset_outside(item, n) if {
	some key in item.assetKeys
	not asset_granted(key, n)
}

asset_granted(key, n) if key in n.assets

asset_granted(key, n) if {
	some pattern in n.assets
	endswith(pattern, "/*")
	startswith(key, trim_suffix(pattern, "*"))
}

# --- grants ----------------------------------------------------------------------------------

not_allowed_fields contains i if {
	some i, f in input.resource.fields
	not allowed(f.action, f)
}

grants contains "dagster_mutation_allowed" if {
	on_dagster
	is_mutation
	count(input.resource.fields) > 0
	count(not_allowed_fields) == 0
}

grants contains "dagster_read_viewer" if {
	on_dagster
	not is_mutation
	input.action == "dagster.read"
	reader
}

grants contains "dagster_request_allowed" if {
	on_dagster
	not is_mutation
	input.action != "dagster.read"
	allowed(input.action, input.resource)
}

# --- denies (override every grant, the admin one included) ---------------------------------------

denies contains "dagster_unknown_mutation" if {
	on_dagster
	input.action == "dagster.write.unknown"
}

denies contains "dagster_unknown_mutation" if {
	on_dagster
	some f in input.resource.fields
	f.action == "dagster.write.unknown"
}

# Says why a narrowed operator was refused (the grant above is simply missing otherwise).
denies contains "dagster_outside_granted_scope" if {
	on_dagster
	is_mutation
	narrowed
	has_role("operator")
	not has_role("admin")
	some f in input.resource.fields
	f.action in operator_actions
	not allowed(f.action, f)
}

# A merged or abandoned change's deployment is about to be torn down (route removed, webserver
# stopped, cleanup dropping its shadow schema): a run started now would race the cleanup and
# write into a schema being dropped, tagged with a change that is no longer under review. So
# nobody starts one there, admins included; terminating what still runs stays allowed.
closed_change_statuses := {"MERGED", "CLOSED"}

run_creating_actions := {"dagster.run.launch", "dagster.run.reexecute", "dagster.backfill.launch", "dagster.backfill.resume", "dagster.backfill.reexecute"}

denies contains "dagster_change_closed" if {
	on_dagster
	deployment_change.status in closed_change_statuses
	input.action in run_creating_actions
}

denies contains "dagster_change_closed" if {
	on_dagster
	deployment_change.status in closed_change_statuses
	some f in input.resource.fields
	f.action in run_creating_actions
}

# The change a request is attributed to (stamped on its runs, announced on the change by the
# service account) must come from a source the classifier vouches for (src/dagster/change.ts):
# the branch deployment, an X-Gerrit-Change Gerrit confirmed the caller can see, or one from a
# role configured as trusted, or Changegate's own deploy on merge (read from Gerrit). Anything else
# would be a client's word alone.
change_sources := {"deployment", "header-verified", "header-trusted", "deploy-on-merge"}

denies contains "dagster_change_source_unknown" if {
	on_dagster
	input.resource.change
	not input.resource.change.source in change_sources
}

# --- the branch-deployment loop (src/deployments) -------------------------------------------------

# Deploy on merge: Changegate itself (subject via "service") reloads the mapped code locations in
# production and launches the listed jobs, once a mapped change has merged (config deployOnMerge).
# Nothing a client sends can look like this: no authenticator produces a "service" subject.
deploy_on_merge if {
	input.subject.via == "service"
	input.subject.id == "changegate:deploy-on-merge"
	input.resource.via == "deploy-on-merge"
	input.resource.change.status == "MERGED"
	input.resource.deployment.isBranchDeployment == false
}

deploy_on_merge_actions := {"dagster.location.reload", "dagster.run.launch"}

allowed(action, _) if {
	action in deploy_on_merge_actions
	deploy_on_merge
}

# Who sees a branch deployment on /.changegate/deployments: anyone who may read Dagster, and the
# change's owner and reviewers.
grants contains "deployment_view" if {
	on_dagster
	input.action == "deployment.view"
	reader
}

grants contains "deployment_view" if {
	on_dagster
	input.action == "deployment.view"
	change_member
}
