import { runPartitions } from '../lambda/core/run';
import { NOW, SCENARIOS, requestFor, seedFor, settingsFor } from './scenarios';
import { openWorld } from './world';
async function main() {
  const ts = Number(process.env.TS ?? 0.01);
  const s = SCENARIOS.find((x) => x.id === (process.env.ID ?? 'B'))!;
  const settings = settingsFor(s);
  const request = requestFor(s, settings);
  const world = await openWorld({ timeScale: ts, quotas: {}, apiLatencyMs: Number(process.env.LAT ?? 100), clock: (process.env.CLOCK ?? 'paced') as 'paced', seed: seedFor(s, request) });
  const t0 = world.standIn.clock.now();
  const r0 = Date.now(); world.time.mark();
  const origStart = world.ports.athena.startQuery.bind(world.ports.athena);
  const origPoll = world.ports.athena.getQueryStates.bind(world.ports.athena);
  const log: string[] = [];
  const athena = {
    startQuery: async (sql: string, tok: string) => { const a = world.standIn.clock.now(); const id = await origStart(sql, tok); log.push(`start ${((a - t0)/1000).toFixed(2)} +${((world.standIn.clock.now()-a)/1000).toFixed(2)}`); return id; },
    getQueryStates: async (ids: readonly string[]) => { const a = world.standIn.clock.now(); const st = await origPoll(ids); log.push(`poll ${((a - t0)/1000).toFixed(2)} +${((world.standIn.clock.now()-a)/1000).toFixed(2)} n=${ids.length} done=${st.filter(x=>x.state==='SUCCEEDED').length}`); return st; },
  };
  const rep = await runPartitions(request, settings, { ...world.ports, athena }, { now: NOW, tokenSeed: 'x' });
  console.log(log.join('\n'));
  console.log('sim', (world.standIn.clock.now() - t0) / 1000, 'real', Date.now() - r0, rep.statements);
  for (const q of world.standIn.queries().slice(0, 40)) console.log(((q.submittedAt - t0)/1000).toFixed(2), ((q.startedAt! - t0)/1000).toFixed(2), ((q.endedAt! - t0)/1000).toFixed(2), q.partitions);
  await world.close();
}
void main();
