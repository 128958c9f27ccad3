/** The agent's version, sent at enrollment and in every report (kept equal to package.json's by a test). */
export const AGENT_VERSION = '0.1.0';
