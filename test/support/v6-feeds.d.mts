import type http from 'node:http';
export const ALIVE_PATH: string;
export function startFeedServer(dir: string, port?: number): Promise<http.Server>;
