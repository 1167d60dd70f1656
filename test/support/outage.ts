// A database that goes away under a running app, on either database: a Kysely plugin that fails
// every query while `away`, with the error pg raises when its socket ends.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/** Fails every query while `away`, with the error pg raises when its socket ends. */
export class Outage implements KyselyPlugin {
  away = false;
  refused = 0;

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (!this.away) return node;
    this.refused++;
    throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' });
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}
