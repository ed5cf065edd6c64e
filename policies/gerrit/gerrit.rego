# Gerrit: who may do what through the ingress. Actions come from src/upstreams/gerrit (REST endpoint table
# and git push parser); resource attributes are documented in src/upstreams/gerrit/README.md.
#
# Admins are granted everything by data.changegate (grants contains "admin"), so the rules
# here grant the other roles, and the denies below say which of those grants must not hold.
# A deny overrides any grant, the admin one included, so admin exceptions are written out.
package changegate.gerrit

import data.changegate.lib.has_role

on_gerrit if input.resource.upstream == "gerrit"

is_admin if has_role("admin")

# --- reads -----------------------------------------------------------------------------------

grants contains "gerrit_read_signed_in" if {
	on_gerrit
	input.action == "gerrit.read"
	has_role("viewer")
}

grants contains "gerrit_read_signed_in" if {
	on_gerrit
	input.action == "gerrit.read"
	input.subject.human == true
}

grants contains "gerrit_read_ci" if {
	on_gerrit
	input.action == "gerrit.read"
	has_role("ci")
}

# --- changes ---------------------------------------------------------------------------------

change_lifecycle_actions := {"gerrit.change.create", "gerrit.change.update"}

grants contains "gerrit_change_reviewer" if {
	on_gerrit
	input.action in change_lifecycle_actions
	has_role("reviewer")
}

grants contains "gerrit_review_reviewer" if {
	on_gerrit
	input.action == "gerrit.change.review"
	has_role("reviewer")
}

# ci votes Verified and comments; nothing else (no other labels, reviewers or state changes).
grants contains "gerrit_review_ci_verified" if {
	on_gerrit
	input.action == "gerrit.change.review"
	has_role("ci")
	ci_review_only_verified
}

ci_review_only_verified if {
	review := input.resource.review
	count({name | some name, _ in review.labels; name != "Verified"}) == 0
	count(review.reviewers) == 0
	review.ready == false
	review.work_in_progress == false
	review.on_behalf_of == null
}

grants contains "gerrit_vote_delete_own" if {
	on_gerrit
	input.action == "gerrit.change.vote.delete"
	has_role("reviewer")
	input.resource.account.self == true
}

denies contains "gerrit_self_approval" if {
	on_gerrit
	input.action == "gerrit.change.review"
	not is_admin
	input.resource.review.labels["Code-Review"] >= 2
	subject_owns_change
}

# Without the owner we cannot tell a self-approval apart: fail closed.
denies contains "gerrit_change_owner_unknown" if {
	on_gerrit
	input.action == "gerrit.change.review"
	not is_admin
	input.resource.review.labels["Code-Review"] >= 2
	not owner_known
}

owner_known if input.resource.change.owner.username != null

owner_known if input.resource.change.owner.email != null

subject_owns_change if {
	input.resource.change.owner.username != null
	input.resource.change.owner.username == input.subject.username
}

subject_owns_change if {
	input.resource.change.owner.email != null
	input.resource.change.owner.email == input.subject.email
}

denies contains "gerrit_on_behalf_of_admin_only" if {
	on_gerrit
	not is_admin
	input.resource.review.on_behalf_of != null
}

denies contains "gerrit_on_behalf_of_admin_only" if {
	on_gerrit
	not is_admin
	input.resource.on_behalf_of != null
}

# --- submit: four eyes -----------------------------------------------------------------------

grants contains "gerrit_submit_approved" if {
	on_gerrit
	input.action == "gerrit.change.submit"
	has_role("reviewer")
	approved_by_another
	not vetoed
	verified_ok
}

denies contains "gerrit_submit_needs_code_review_2_from_non_owner" if {
	on_gerrit
	input.action == "gerrit.change.submit"
	not is_admin
	not approved_by_another
}

denies contains "gerrit_submit_vetoed" if {
	on_gerrit
	input.action == "gerrit.change.submit"
	not is_admin
	vetoed
}

denies contains "gerrit_submit_needs_verified" if {
	on_gerrit
	input.action == "gerrit.change.submit"
	not is_admin
	not verified_ok
}

approved_by_another if {
	some vote in input.resource.labels["Code-Review"].votes
	vote.value >= 2
	not owner_vote(vote)
}

owner_vote(vote) if {
	vote.account_id != null
	vote.account_id == input.resource.change.owner.account_id
}

owner_vote(vote) if {
	vote.username != null
	vote.username == input.resource.change.owner.username
}

vetoed if input.resource.labels["Code-Review"].min <= -2

# Verified counts only where the project has the label.
verified_ok if not input.resource.labels.Verified

verified_ok if {
	input.resource.labels.Verified.max >= 1
	input.resource.labels.Verified.min > -1
}

# --- pushes ----------------------------------------------------------------------------------

grants contains "gerrit_push_review_reviewer" if {
	on_gerrit
	input.action == "gerrit.push.review"
	has_role("reviewer")
}

# git's 4-byte probe before a large push: no commands, changes nothing.
grants contains "gerrit_push_probe" if {
	on_gerrit
	input.action == "gerrit.push.probe"
	has_role("reviewer")
}

denies contains "gerrit_push_option_admin_only" if {
	on_gerrit
	startswith(input.action, "gerrit.push.")
	not is_admin
	count(input.resource.dangerous_options) > 0
}

denies contains "gerrit_push_unknown_option" if {
	on_gerrit
	startswith(input.action, "gerrit.push.")
	count(input.resource.unknown_options) > 0
}

# All-Projects holds every project's inherited ACLs; All-Users every account's data.
system_projects := {"All-Projects", "All-Users"}

denies contains "gerrit_push_system_project_admin_only" if {
	on_gerrit
	startswith(input.action, "gerrit.push.")
	not is_admin
	input.resource.project in system_projects
}

# --- accounts --------------------------------------------------------------------------------

grants contains "gerrit_own_credentials" if {
	on_gerrit
	input.action == "gerrit.account.credentials"
	input.resource.account.self == true
}

grants contains "gerrit_own_account" if {
	on_gerrit
	input.action == "gerrit.account.update"
	input.resource.account.self == true
}

# --- unknown ---------------------------------------------------------------------------------

denies contains "gerrit_unknown_write" if {
	on_gerrit
	input.action == "gerrit.write.unknown"
}
