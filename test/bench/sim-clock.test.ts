/**
 * The benchmark's paced clock charges each Athena or Glue call one round trip of simulated
 * time. Calls an actor sends at once must overlap (the scheduler's bursts of starts), calls
 * sent one after another must add up, and actors must not overtake each other.
 */
import { TimeKeeper } from '../../bench/sim-clock';
import { SimClock } from '../support/aws-standin/quota-model';

const ROUND_TRIP_MS = 100;

function pacedClock(): { time: TimeKeeper; sim: SimClock } {
  const time = new TimeKeeper('paced', ROUND_TRIP_MS);
  const sim = new SimClock(0.01, time.realNow);
  time.attach(sim);
  return { time, sim };
}

/** A call whose answer takes real time (a turn of the event loop), as the stand-in's HTTP does. */
const answer = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 2));

describe('the paced clock', () => {
  test('calls sent at once cost one round trip; calls sent in turn cost one each', async () => {
    // GIVEN one actor
    const { time, sim } = pacedClock();
    const start = sim.now();
    // WHEN it sends 20 calls at once
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => time.call(() => answer(i))));
    // THEN they took one round trip together
    expect(answers).toHaveLength(20);
    expect(sim.now() - start).toBe(ROUND_TRIP_MS);
    // AND WHEN it sends 3 one after another THEN they take 3 round trips
    for (let i = 0; i < 3; i++) await time.call(() => answer(i));
    expect(sim.now() - start).toBe(4 * ROUND_TRIP_MS);
  });

  test("a burst's calls reach the service at the same simulated instant", async () => {
    // GIVEN one actor that records when each call reaches the service
    const { time, sim } = pacedClock();
    const seen: number[] = [];
    // WHEN it sends a burst
    await Promise.all(
      Array.from({ length: 10 }, () =>
        time.call(async () => {
          await answer(0);
          seen.push(sim.now());
        }),
      ),
    );
    // THEN time stood still until every call had been answered
    expect(new Set(seen).size).toBe(1);
  });

  test('an actor sleeping is not overtaken by another actor making concurrent calls', async () => {
    // GIVEN two actors: one sleeps 150 ms, the other sends two bursts of calls
    const { time, sim } = pacedClock();
    time.setBaseActors(0);
    const wakes: Array<[string, number]> = [];
    await Promise.all([
      time.actor(async () => {
        await time.sleep(150);
        wakes.push(['sleeper', sim.now()]);
      }),
      time.actor(async () => {
        await Promise.all([time.call(() => answer(1)), time.call(() => answer(2))]);
        wakes.push(['caller', sim.now()]);
        await Promise.all([time.call(() => answer(3)), time.call(() => answer(4))]);
        wakes.push(['caller', sim.now()]);
      }),
    ]);
    // THEN each woke at its own time, in order
    expect(wakes).toEqual([
      ['caller', 100],
      ['sleeper', 150],
      ['caller', 200],
    ]);
  });

  test('a call made inside another call is refused instead of hanging', async () => {
    // GIVEN one actor
    const { time } = pacedClock();
    // WHEN a call's work makes another call
    const nested = time.call(() => time.call(() => answer(1)));
    // THEN it fails at once, naming the mistake
    await expect(nested).rejects.toThrow('inside another call');
  });
});
