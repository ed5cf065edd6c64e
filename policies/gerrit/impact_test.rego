package changegate.gerrit_impact_test

import data.changegate

reviewer := {"id": "carol", "username": "carol", "email": "carol@example.test", "groups": [], "roles": ["reviewer"], "via": "oidc", "human": true}

vote(email, value) := {"account_id": 9, "username": split(email, "@")[0], "email": email, "value": value}

gold := {"key": "finance/ledger", "reasons": ["CODE_VERSION"], "tags": {"tier": "gold"}, "owners": ["ann@example.test"], "group": "accounting", "location": "finance"}

bronze := object.union(gold, {"key": "finance/scratch", "tags": {"tier": "bronze"}})

submit(impact, votes) := {
	"subject": reviewer, "action": "gerrit.change.submit",
	"resource": {
		"upstream": "gerrit", "path": "/a/changes/7/submit", "method": "POST",
		"change": {"number": 7, "project": "data-pipelines", "branch": "refs/heads/main", "status": "NEW",
			"owner": {"account_id": 1, "username": "bob", "email": "bob@example.test"}, "impact": impact},
		"labels": {"Code-Review": {"max": 2, "min": 0, "votes": votes}, "Verified": {"max": 1, "min": 0, "votes": [vote("ci@example.test", 1)]}},
	},
	"request": {"method": "POST", "path": "/a/changes/7/submit", "ip": "127.0.0.1", "requestId": "t"},
}

impact(assets) := {"patchset": 2, "computedFor": {"patchset": 2, "gitSha": "a"}, "assets": assets, "downstream": [], "counts": {}}

configured := {"impact": {"require_known": true, "owner_approval_tags": {"tier": "gold"}}}

decide(inp, d) := r if {
	r := changegate.decision with input as inp with data.gerrit as d
}

test_off_unless_configured if {
	decide(submit(null, [vote("dave@example.test", 2)]), {}).allow
	decide(submit(impact([gold]), [vote("dave@example.test", 2)]), {}).allow
}

test_unknown_impact_refused_when_required if {
	d := decide(submit(null, [vote("dave@example.test", 2)]), configured)
	not d.allow
	"gerrit_submit_impact_unknown" in d.reasons
}

test_gold_asset_needs_an_owner_plus_two if {
	d := decide(submit(impact([gold]), [vote("dave@example.test", 2)]), configured)
	not d.allow
	"gerrit_submit_needs_asset_owner_approval" in d.reasons
	decide(submit(impact([gold]), [vote("ann@example.test", 2)]), configured).allow
}

test_an_owner_plus_one_is_not_enough if {
	not decide(submit(impact([gold]), [vote("dave@example.test", 2), vote("ann@example.test", 1)]), configured).allow
}

test_other_tags_need_nothing_more if {
	decide(submit(impact([bronze]), [vote("dave@example.test", 2)]), configured).allow
}

test_untracked_project_is_not_unknown if {
	inp := submit(null, [vote("dave@example.test", 2)])
	untracked := json.patch(inp, [{"op": "remove", "path": "/resource/change/impact"}])
	decide(untracked, configured).allow
}
