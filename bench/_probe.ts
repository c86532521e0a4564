import { runOurs, SCENARIOS } from './scenarios';
import { runBaseline } from './baseline';
async function main() {
const ts = Number(process.env.TS ?? 0.01);
const ids = (process.env.IDS ?? 'A,B').split(',');
for (const s of SCENARIOS.filter((x) => ids.includes(x.id))) {
  const t = Date.now();
  const r = await runOurs(s, { timeScale: ts, quotas: {}, apiLatencyMs: Number(process.env.LAT ?? 100), clock: (process.env.CLOCK ?? 'paced') as 'paced' });
  console.log(JSON.stringify(r), 'real', Date.now() - t);
  if (process.env.BASE) {
    const b = await runBaseline(s, { timeScale: ts, quotas: {}, apiLatencyMs: Number(process.env.LAT ?? 100), clock: (process.env.CLOCK ?? 'paced') as 'paced' }, Number(process.env.BASE));
    console.log(JSON.stringify(b));
  }
}
}
void main();
