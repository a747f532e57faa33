/** Cabin over the Model Context Protocol: the agent's tools for any MCP client. */
export { CabinMcpSession, createCabinMcpServer, mcpTools, type CabinMcpOptions, type CabinToolOutput } from './server.ts';
