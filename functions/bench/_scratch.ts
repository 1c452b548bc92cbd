import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { Applications, createDocumentClient, createTableInput, Store } from '@huimin/store';
import { localClient, startDynamoLocal } from '../../packages/local/src/dynamo';
import { generateChildcareData } from './childcare-data';

const dynamo = await startDynamoLocal();
try {
  const data = generateChildcareData({ children: 6000, nurseries: 100, seed: 5 });
  const variants: [string, (n: string) => ReturnType<typeof createTableInput>][] = [
    ['full', (n) => createTableInput(n)],
    ['nostream', (n) => { const t = createTableInput(n) as any; delete t.StreamSpecification; return t; }],
    ['nogsi', (n) => { const t = createTableInput(n) as any; delete t.StreamSpecification; delete t.GlobalSecondaryIndexes; return t; }],
    ['full2', (n) => createTableInput(n)],
  ];
  for (const [name, input] of variants) {
    await localClient(dynamo.endpoint).send(new CreateTableCommand(input(`t-${name}`) as any));
    const store = new Store(createDocumentClient({ DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'cn-north-1' }), `t-${name}`);
    const apps = data.applications;
    for (let part = 0; part < 3; part++) {
      const slice = apps.slice(part * 2000, part * 2000 + 2000);
      const t0 = performance.now();
      const chunks = [];
      for (let i = 0; i < slice.length; i += 125) chunks.push(slice.slice(i, i + 125));
      await Promise.all(chunks.map((c) => store.putAll(Applications, c)));
      console.log(name, part, Math.round((2000 * 1000) / (performance.now() - t0)), 'items/s');
    }
  }
} finally {
  await dynamo.stop();
}
