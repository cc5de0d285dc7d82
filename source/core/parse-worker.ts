/** Worker thread entry: runs parse jobs posted by parse-pool.ts. */
import { parentPort } from 'node:worker_threads';
import { runParseJob, type ParseJob } from './parse-job.js';

parentPort!.on('message', async (message: { id: number; job: ParseJob }) => {
  try {
    const output = await runParseJob(message.job);
    parentPort!.postMessage({ id: message.id, output });
  } catch (error) {
    const e = error as Error & { discoveredUrl?: string };
    const discoveredUrl = typeof e?.discoveredUrl === 'string' ? e.discoveredUrl : undefined;
    parentPort!.postMessage({ id: message.id, error: { name: e?.name ?? 'Error', message: String(e?.message ?? error), discoveredUrl } });
  }
});
