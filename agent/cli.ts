/** onestop-agent command line (stub until the agent issue lands). */
console.error('onestop-agent: not implemented yet');
process.exit(2);
