// The GraphQL documents the lookup sends to Dagster; all validate against the webserver schema.

export const RUN_QUERY = `query ChangegateRunScope($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { runId pipelineName repositoryOrigin { repositoryLocationName repositoryName } }
  }
}`;

export const BACKFILL_QUERY = `query ChangegateBackfillScope($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { id partitionSetName partitionSet { name repositoryOrigin { repositoryLocationName repositoryName } } assetSelection { path } }
  }
}`;

export const INSTIGATORS_QUERY = `query ChangegateInstigators {
  repositoriesOrError {
    __typename
    ... on RepositoryConnection {
      nodes {
        name
        location { name }
        schedules { id name scheduleState { id selectorId } }
        sensors { id name sensorState { id selectorId } }
      }
    }
  }
}`;
