# Change tracking at submit (src/deployments/change-tracking.ts): input.resource.change.impact is
# what the change does to the Dagster asset graph, computed from its branch deployment for the
# commit being submitted, or null (with input.resource.change.impactReason) when there is no
# current result. It is absent for projects without branch deployments.
#
#   impact: { patchset, computedFor: {patchset, gitSha},
#             assets: [{key: "finance/ledger", reasons: ["CODE_VERSION", ...], tags: {k: v},
#                       owners: ["ann@example.com", "team:finance"], group, location}],
#             downstream: [{key, tags, owners, group, location}], counts: {NEW: 1, ...} }
#
# Both rules are off unless data.gerrit.impact turns them on (policies/data.yaml):
#
#   gerrit:
#     impact:
#       require_known: true              # no submit while the impact is unknown
#       owner_approval_tags: {tier: gold}  # changing an asset with one of these tags needs
#                                          # Code-Review +2 from one of that asset's owners
#
# An owner matches a Code-Review voter by email; team owners ("team:x") match no one, so an asset
# owned only by a team cannot be approved this way (fail closed: give it a person too).
package changegate.gerrit

default impact_config := {}

impact_config := data.gerrit.impact

submitting if {
	on_gerrit
	input.action == "gerrit.change.submit"
}

impact_tracked if "impact" in object.keys(input.resource.change)

denies contains "gerrit_submit_impact_unknown" if {
	submitting
	impact_config.require_known == true
	impact_tracked
	input.resource.change.impact == null
}

gated(asset) if {
	some k, v in impact_config.owner_approval_tags
	asset.tags[k] == v
}

approved_by_an_owner(asset) if {
	some vote in input.resource.labels["Code-Review"].votes
	vote.value >= 2
	vote.email != null
	vote.email in asset.owners
}

denies contains "gerrit_submit_needs_asset_owner_approval" if {
	submitting
	some asset in input.resource.change.impact.assets
	gated(asset)
	not approved_by_an_owner(asset)
}
