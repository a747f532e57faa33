export { buildServer, startServer } from './server.ts';
export type { ServerOptions } from './server.ts';
export { loadServerConfig, ServerConfigFile, CONFIG_ENV } from './config.ts';
export type { ServerConfig, ConfigResult } from './config.ts';
