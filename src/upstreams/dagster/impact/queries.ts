// The two queries change tracking sends a webserver. Dagster's `assetNodes` has no cursor (the
// schema's only paged asset listing, `assetsOrError(cursor, limit)`, pages the instance's asset
// catalog, materialized keys included, not the definitions a webserver loaded), so a large graph
// is read in two steps: every key (small), then definitions in batches of keys through
// `assetNodes(assetKeys:)`. Each answer stays bounded, and so does each request's work in Dagster.
//
// Metadata values are selected per entry type so a changed value is seen; labels and values
// only, as Dagster compares an asset's metadata dict.

export const ASSET_KEYS_QUERY = `query ChangegateAssetKeys {
  assetNodes { assetKey { path } }
}`;

const METADATA_VALUES = `__typename label
  ... on TextMetadataEntry { text }
  ... on IntMetadataEntry { intValue intRepr }
  ... on FloatMetadataEntry { floatValue floatRepr }
  ... on BoolMetadataEntry { boolValue }
  ... on JsonMetadataEntry { jsonString }
  ... on MarkdownMetadataEntry { mdStr }
  ... on PathMetadataEntry { path }
  ... on NotebookMetadataEntry { path }
  ... on UrlMetadataEntry { url }
  ... on PythonArtifactMetadataEntry { module name }
  ... on PipelineRunMetadataEntry { runId }
  ... on AssetMetadataEntry { assetKey { path } }
  ... on JobMetadataEntry { jobName repositoryName locationName }
  ... on TimestampMetadataEntry { timestamp }
  ... on PoolMetadataEntry { pool }
  ... on TableSchemaMetadataEntry { schema { columns { name type description } } }
  ... on TableMetadataEntry { table { records schema { columns { name type description } } } }
  ... on TableColumnLineageMetadataEntry { lineage { columnName columnDeps { assetKey { path } columnName } } }
  ... on CodeReferencesMetadataEntry { codeReferences { __typename ... on LocalFileCodeReference { filePath lineNumber label } ... on UrlCodeReference { url label } } }`;

export const ASSET_DEFINITIONS_QUERY = `query ChangegateAssetDefinitions($assetKeys: [AssetKeyInput!]) {
  assetNodes(assetKeys: $assetKeys) {
    assetKey { path }
    opVersion
    dependencyKeys { path }
    dependencies { asset { assetKey { path } } partitionMapping { className description } }
    tags { key value }
    metadataEntries { ${METADATA_VALUES} }
    partitionDefinition { type description name fmt dimensionTypes { name type description dynamicPartitionsDefinitionName } }
    groupName
    owners { __typename ... on UserAssetOwner { email } ... on TeamAssetOwner { team } }
    kinds
    repository { name location { name } }
  }
}`;
