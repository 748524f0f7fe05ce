/* usage.h: the command line's one description — its commands and options —
 * printed as `vista --help`, as the manual page vista(1), as help('commands')
 * in scripts and the shell, and read by the shell completion. One table, so
 * none of them can say something the others do not. */
#ifndef VISTA_USAGE_H
#define VISTA_USAGE_H

#include <stdio.h>

#include "lua.h"

/* A command or an option: its syntax as typed, and what it does. A command's
 * syntax starts with the command word ("import mobility FILE ..."); an
 * option's with its names ("-h, --help"), then its argument if any. */
typedef struct vista_usage {
  const char *syntax;
  const char *help;
} vista_usage;

/* The commands and the options, each ended by an entry whose syntax is NULL.
 * Static data: never freed. */
extern const vista_usage vista_usage_commands[];
extern const vista_usage vista_usage_options[];

/* Writes the text of `vista --help` to out. */
void vista_usage_print(FILE *out);

/* Writes the manual page vista(1), in roff, to out. The ready scripts and
 * their descriptions come from the binary's own copies (sandbox.h). */
void vista_usage_man(FILE *out);

/* Writes the words the shell completion offers for what: "commands" (the
 * first words of the commands), "imports" (the kinds after import),
 * "options" (every option name), "scripts" (the ready scripts) or "tables"
 * (what export writes), one per line. Returns 0, or -1 if what is none of
 * these. */
int vista_usage_words(FILE *out, const char *what);

/* require "vista.usage": {commands = {{syntax =, help =}, ...}, options =
 * {...}, commands_text = the commands as --help prints them}, the same
 * table as data [-0, +1, m]. */
int luaopen_vista_usage(lua_State *L);

#endif
