package changegate.gerrit_test

import data.changegate

person(name, roles) := {"id": name, "username": name, "email": concat("", [name, "@example.com"]), "groups": [], "roles": roles, "via": "oidc", "human": true}

alice := person("alice", ["viewer", "reviewer"])

bob := person("bob", ["viewer", "reviewer"])

viewer := person("vera", ["viewer"])

root := person("root", ["viewer", "admin"])

ci := {"id": "ci-runner", "username": "ci-runner", "groups": [], "roles": ["ci"], "via": "bearer", "human": false}

req := {"method": "POST", "path": "/x", "ip": "127.0.0.1", "requestId": "t"}

decide(subject, action, resource) := d if {
	d := changegate.decision with input as {
		"subject": subject,
		"action": action,
		"resource": object.union({"upstream": "gerrit"}, resource),
		"request": req,
	}
}

owner_alice := {"account_id": 1, "username": "alice", "email": "alice@example.com"}

change := {"number": 7, "project": "p", "branch": "refs/heads/main", "status": "NEW", "owner": owner_alice}

vote(id, name, value) := {"account_id": id, "username": name, "email": null, "value": value}

labels(cr_votes, cr_max, cr_min) := {"Code-Review": {"max": cr_max, "min": cr_min, "votes": cr_votes}}

review(labels) := {"labels": labels, "on_behalf_of": null, "reviewers": [], "ready": false, "work_in_progress": false, "drafts": null}

# --- reads

test_viewer_reads if decide(viewer, "gerrit.read", {}).allow

# ci reading and voting Verified are checked in test/gerrit/policy-decisions.test.ts, so that an
# operator freezing ci with one more deny (see test/e2e/proxy-failures.test.ts) is not blocked by
# these tests.

test_anonymous_cannot_read if not decide(null, "gerrit.read", {}).allow

# --- review and votes

test_reviewer_votes_plus_two_on_others_change if {
	d := decide(bob, "gerrit.change.review", {"change": change, "review": review({"Code-Review": 2})})
	d.allow
}

test_reviewer_cannot_plus_two_own_change if {
	d := decide(alice, "gerrit.change.review", {"change": change, "review": review({"Code-Review": 2})})
	not d.allow
	d.reasons == {"gerrit_self_approval"}
}

test_reviewer_may_plus_one_own_change if decide(alice, "gerrit.change.review", {"change": change, "review": review({"Code-Review": 1})}).allow

test_plus_two_with_unknown_owner_denied if {
	d := decide(bob, "gerrit.change.review", {"change": {"number": 7, "owner": {"account_id": 1, "username": null, "email": null}}, "review": review({"Code-Review": 2})})
	not d.allow
}

test_viewer_cannot_review if not decide(viewer, "gerrit.change.review", {"change": change, "review": review({})}).allow

test_on_behalf_of_denied_for_reviewer if {
	r := object.union(review({"Code-Review": 1}), {"on_behalf_of": "carol"})
	d := decide(bob, "gerrit.change.review", {"change": change, "review": r})
	not d.allow
	d.reasons == {"gerrit_on_behalf_of_admin_only"}
}

test_ci_cannot_vote_code_review if not decide(ci, "gerrit.change.review", {"change": change, "review": review({"Verified": 1, "Code-Review": 1})}).allow

test_ci_cannot_add_reviewers if {
	r := object.union(review({"Verified": 1}), {"reviewers": ["carol"]})
	not decide(ci, "gerrit.change.review", {"change": change, "review": r}).allow
}

test_ci_cannot_submit if not decide(ci, "gerrit.change.submit", {"change": change, "labels": labels([vote(2, "bob", 2)], 2, 0)}).allow

test_reviewer_deletes_own_vote if decide(bob, "gerrit.change.vote.delete", {"change": change, "account": {"id": "self", "self": true}}).allow

test_reviewer_cannot_delete_others_vote if not decide(bob, "gerrit.change.vote.delete", {"change": change, "account": {"id": "carol", "self": false}}).allow

# --- submit

test_submit_with_plus_two_from_other if {
	d := decide(alice, "gerrit.change.submit", {"change": change, "labels": labels([vote(2, "bob", 2)], 2, 0), "on_behalf_of": null})
	d.allow
	d.reasons == {"gerrit_submit_approved"}
}

test_submit_without_plus_two_denied if {
	d := decide(alice, "gerrit.change.submit", {"change": change, "labels": labels([vote(2, "bob", 1)], 1, 0), "on_behalf_of": null})
	not d.allow
	d.reasons == {"gerrit_submit_needs_code_review_2_from_non_owner"}
}

test_submit_with_only_owner_plus_two_denied if {
	d := decide(bob, "gerrit.change.submit", {"change": change, "labels": labels([vote(1, "alice", 2)], 2, 0), "on_behalf_of": null})
	not d.allow
}

test_submit_with_minus_two_denied if {
	d := decide(alice, "gerrit.change.submit", {"change": change, "labels": labels([vote(2, "bob", 2), vote(3, "carol", -2)], 2, -2), "on_behalf_of": null})
	not d.allow
	d.reasons == {"gerrit_submit_vetoed"}
}

test_submit_needs_verified_when_present if {
	l := object.union(labels([vote(2, "bob", 2)], 2, 0), {"Verified": {"max": 0, "min": 0, "votes": []}})
	d := decide(alice, "gerrit.change.submit", {"change": change, "labels": l, "on_behalf_of": null})
	not d.allow
	d.reasons == {"gerrit_submit_needs_verified"}
}

test_submit_with_verified_allowed if {
	l := object.union(labels([vote(2, "bob", 2)], 2, 0), {"Verified": {"max": 1, "min": 0, "votes": [vote(9, "ci-runner", 1)]}})
	decide(alice, "gerrit.change.submit", {"change": change, "labels": l, "on_behalf_of": null}).allow
}

test_submit_verified_minus_one_denied if {
	l := object.union(labels([vote(2, "bob", 2)], 2, 0), {"Verified": {"max": 1, "min": -1, "votes": []}})
	not decide(alice, "gerrit.change.submit", {"change": change, "labels": l, "on_behalf_of": null}).allow
}

test_submit_without_labels_denied if not decide(alice, "gerrit.change.submit", {"change": change, "on_behalf_of": null}).allow

test_submit_on_behalf_of_denied if {
	not decide(alice, "gerrit.change.submit", {"change": change, "labels": labels([vote(2, "bob", 2)], 2, 0), "on_behalf_of": "bob"}).allow
}

test_viewer_cannot_submit if not decide(viewer, "gerrit.change.submit", {"change": change, "labels": labels([vote(2, "bob", 2)], 2, 0), "on_behalf_of": null}).allow

test_admin_submits if decide(root, "gerrit.change.submit", {"change": change, "labels": labels([], 0, 0), "on_behalf_of": null}).allow

# --- change lifecycle

test_reviewer_creates_and_updates if {
	decide(bob, "gerrit.change.create", {}).allow
	decide(bob, "gerrit.change.update", {"change": change}).allow
}

test_viewer_cannot_update if not decide(viewer, "gerrit.change.update", {"change": change}).allow

# --- pushes

push(kinds, dangerous, unknown) := {"project": "p", "refs": [], "kinds": kinds, "dangerous_options": dangerous, "unknown_options": unknown}

test_reviewer_pushes_for_review if decide(bob, "gerrit.push.review", push(["review"], [], [])).allow

test_reviewer_cannot_push_directly if not decide(bob, "gerrit.push.direct", push(["direct"], [], [])).allow

test_admin_pushes_directly if decide(root, "gerrit.push.direct", push(["direct"], [], [])).allow

test_reviewer_cannot_push_config if not decide(bob, "gerrit.push.config", push(["config"], [], [])).allow

test_admin_pushes_config if decide(root, "gerrit.push.config", push(["config"], [], [])).allow

test_reviewer_submit_option_denied if {
	d := decide(bob, "gerrit.push.review", push(["review"], ["submit"], []))
	not d.allow
	d.reasons == {"gerrit_push_option_admin_only"}
}

test_reviewer_label_option_denied if not decide(bob, "gerrit.push.review", push(["review"], ["label"], [])).allow

test_admin_submit_option_allowed if decide(root, "gerrit.push.review", push(["review"], ["submit"], [])).allow

test_unknown_push_option_denied_even_for_admin if {
	d := decide(root, "gerrit.push.review", push(["review"], [], ["frobnicate"]))
	not d.allow
	d.reasons == {"gerrit_push_unknown_option"}
}

test_viewer_cannot_push if not decide(viewer, "gerrit.push.review", push(["review"], [], [])).allow

test_ci_cannot_push if not decide(ci, "gerrit.push.review", push(["review"], [], [])).allow

test_reviewer_cannot_push_to_all_projects if {
	d := decide(bob, "gerrit.push.review", object.union(push(["review"], [], []), {"project": "All-Projects"}))
	not d.allow
	d.reasons == {"gerrit_push_system_project_admin_only"}
}

test_admin_pushes_to_all_users if decide(root, "gerrit.push.direct", object.union(push(["direct"], [], []), {"project": "All-Users"})).allow

test_reviewer_probe_allowed if decide(bob, "gerrit.push.probe", push([], [], [])).allow

# --- administration and accounts

test_reviewer_cannot_administer if {
	not decide(bob, "gerrit.project.admin", {"project": "p"}).allow
	not decide(bob, "gerrit.group.admin", {}).allow
	not decide(bob, "gerrit.server.admin", {}).allow
	not decide(bob, "gerrit.account.admin", {"account": {"id": "x", "self": false}}).allow
}

test_admin_administers if {
	decide(root, "gerrit.project.admin", {"project": "p"}).allow
	decide(root, "gerrit.group.admin", {}).allow
	decide(root, "gerrit.server.admin", {}).allow
}

test_own_credentials_allowed if decide(viewer, "gerrit.account.credentials", {"account": {"id": "self", "self": true}}).allow

test_others_credentials_denied if not decide(bob, "gerrit.account.credentials", {"account": {"id": "alice", "self": false}}).allow

test_admin_manages_others_credentials if decide(root, "gerrit.account.credentials", {"account": {"id": "alice", "self": false}}).allow

test_own_account_update_allowed if decide(viewer, "gerrit.account.update", {"account": {"id": "self", "self": true}}).allow

test_unknown_write_denied if {
	d := decide(root, "gerrit.write.unknown", {})
	not d.allow
	d.reasons == {"gerrit_unknown_write"}
}
