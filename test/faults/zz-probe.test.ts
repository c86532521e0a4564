import { startFaultRuntime, SCHEDULED_EVENT, alarmMetrics, verifyCatalog, expectedLocations, DEFAULT_WORLD, SCHEDULED_WINDOW } from '../support/fault-harness';
it('probe', async () => {
  const rt = await startFaultRuntime();
  const t0 = Date.now();
  const run = await rt.lambda().invoke(SCHEDULED_EVENT, { requestId: 'r1' });
  const t1 = Date.now();
  console.log = console.log;
  process.stdout.write(JSON.stringify({ms: t1-t0, err: run.error?.message, rep: run.report && {ok: run.report.ok, st: run.report.statements}, m: alarmMetrics(run.metrics), q: run.queries.length, sim: rt.clock.now() - Date.parse('2024-03-10T06:00:00Z')}) + '\n');
  verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW));
  await rt.close();
});
