import { applyDdl } from './aws-standin/athena-ddl';
import { DdlParseError, parseDropPartitions } from './aws-standin/ddl-parser';
import { GlueCatalogStore } from './aws-standin/glue';

function catalog(): GlueCatalogStore {
  const store = new GlueCatalogStore();
  store.defineTable('db', 't', [
    { name: 'a', type: 'string' },
    { name: 'b', type: 'string' },
  ]);
  store.addPartitions('db', 't', [{ values: ['1', 'x'] }, { values: ['2', 'y'] }, { values: ['3', 'z'] }]);
  return store;
}

describe('stand-in ALTER TABLE ... DROP PARTITION', () => {
  it('parses comma-separated specs with IF EXISTS', () => {
    const parsed = parseDropPartitions(
      "alter table `db`.t drop if exists partition (a = '1', b = 'x'), PARTITION (a='2', b='y');",
    );
    expect(parsed).toEqual({
      drop: true,
      database: 'db',
      table: 't',
      ifExists: true,
      partitions: [
        {
          spec: [
            { key: 'a', value: '1' },
            { key: 'b', value: 'x' },
          ],
        },
        {
          spec: [
            { key: 'a', value: '2' },
            { key: 'b', value: 'y' },
          ],
        },
      ],
    });
  });

  it('rejects a LOCATION, as the DROP form has none', () => {
    expect(() => parseDropPartitions("ALTER TABLE t DROP PARTITION (a='1') LOCATION 's3://b/'")).toThrow(
      DdlParseError,
    );
  });

  it('drops the named partitions and skips missing ones with IF EXISTS', () => {
    // GIVEN three partitions
    const store = catalog();
    // WHEN dropping one that exists and one that does not
    const result = applyDdl(
      store,
      'db',
      parseDropPartitions("ALTER TABLE t DROP IF EXISTS PARTITION (a='1', b='x'), PARTITION (a='9', b='q')"),
    );
    // THEN one is gone and the others stay
    expect(result).toEqual({ added: 0, dropped: 1 });
    expect(store.partitions('db', 't').map((p) => p.values[0])).toEqual(['2', '3']);
  });

  it('fails without IF EXISTS when a partition is missing, dropping nothing', () => {
    const store = catalog();
    const result = applyDdl(
      store,
      'db',
      parseDropPartitions("ALTER TABLE t DROP PARTITION (a='1', b='x'), PARTITION (a='9', b='q')"),
    );
    expect(result).toEqual({ failure: expect.stringMatching(/Partition not found 9\/q/) });
    expect(store.partitions('db', 't')).toHaveLength(3);
  });

  it('refuses a partial spec rather than dropping every match', () => {
    const store = catalog();
    const result = applyDdl(
      store,
      'db',
      parseDropPartitions("ALTER TABLE t DROP IF EXISTS PARTITION (a='1')"),
    );
    expect(result).toEqual({ failure: expect.stringMatching(/must name every partition column/) });
    expect(store.partitions('db', 't')).toHaveLength(3);
  });
});
