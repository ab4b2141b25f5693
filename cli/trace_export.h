/* trace_export.h — `baton trace export`: a recorded run in another tool's format.  Only
 * cli/ includes this. */
#ifndef BATON_CLI_TRACE_EXPORT_H
#define BATON_CLI_TRACE_EXPORT_H

/* argv[1] is "export".  Returns an exit code (cli/cli.h). */
int trace_export(int argc, char **argv);

#endif
