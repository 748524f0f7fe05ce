/* repl.h: the interactive loop, or a batch over piped input. */
#ifndef VISTA_REPL_H
#define VISTA_REPL_H

#include <stdio.h>

#include "sandbox.h"

/* Reads chunks from in until its end (or .quit) and runs them in sb.
 * interactive: prompts, line editing, history; Ctrl-C stops a chunk, or at
 * the prompt drops the line; SIGTERM and SIGHUP end the session with its
 * history written, then end the process by the same signal. In a batch,
 * errors carry the input line. Returns 0, or 1 if a batch chunk failed. */
int vista_repl(vista_sandbox *sb, FILE *in, int interactive);

#endif
