/** Worker thread entry: runs parse jobs posted by parse-pool.ts. */
import { parentPort } from 'node:worker_threads';
import { runParseJob, type ParseJob } from './parse-job.js';

/**
 * Articles sent back per message. A 20 MB feed's 6,000 parsed articles in one message cost the main
 * thread ~50 ms to deserialize and collect at once; in batches each is a small task of its own.
 */
const BATCH = 500;

parentPort!.on('message', async (message: { id: number; job: ParseJob }) => {
  try {
    const output = await runParseJob(message.job);
    const articles = output.feed.articles;
    for (let start = 0; start + BATCH < articles.length; start += BATCH) {
      parentPort!.postMessage({ id: message.id, articles: articles.slice(start, start + BATCH) });
    }
    const rest = articles.slice(Math.floor(Math.max(0, articles.length - 1) / BATCH) * BATCH);
    parentPort!.postMessage({ id: message.id, output: { ...output, feed: { ...output.feed, articles: rest } } });
  } catch (error) {
    const e = error as Error & { discoveredUrl?: string };
    const discoveredUrl = typeof e?.discoveredUrl === 'string' ? e.discoveredUrl : undefined;
    parentPort!.postMessage({ id: message.id, error: { name: e?.name ?? 'Error', message: String(e?.message ?? error), discoveredUrl } });
  }
});
