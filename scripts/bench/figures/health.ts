import { keepAliveLatencies } from '../clients.js';
import { type Figure, alternate, compare } from '../context.js';
import { median, percentile } from '../stats.js';

/** `/health` round trips over one keep-alive connection: p50 and p99 of each run, median over runs. */
export const health: Figure = {
  name: 'health',
  quick: true,
  async run(ctx) {
    const requests = ctx.quick ? 500 : 2000;
    const rounds = await alternate(ctx.runs, async (server) => {
      const times = await keepAliveLatencies(`${ctx[server].url}/health`, requests);
      return { p50: percentile(times, 50), p99: percentile(times, 99) };
    });
    for (const p of ['p50', 'p99'] as const) {
      const ours = median(rounds.ours.map((r) => r[p]));
      const reference = median(rounds.reference.map((r) => r[p]));
      compare(ctx, {
        figure: `health_${p}`,
        unit: 'ms',
        better: 'lower',
        ours,
        reference,
        runs: ctx.runs,
        requests_per_run: requests,
        ...(p === 'p50' ? { target: "<= the reference's", met: ours <= reference } : {}),
      });
    }
  },
};
