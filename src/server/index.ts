export { buildServer, startServer } from './server.ts';
