/* fuzz_common.h: what the libFuzzer targets share. Each target takes its
 * input as a file's contents: the importers read paths, so the bytes go to
 * one temporary file per process, rewritten for every input. A target that
 * finds a broken promise (a crash is found by the sanitizers) reports it
 * with fuzz_fail(), which aborts so that libFuzzer saves the input. */
#ifndef VISTA_FUZZ_COMMON_H
#define VISTA_FUZZ_COMMON_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libFuzzer's entry point, defined by each target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static inline void fuzz_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("fuzz: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}

/* With FUZZ_VERBOSE set, targets print what each input came to (to see
 * why a seed goes nowhere): fuzz_say("%d: %s", status, message). */
#define fuzz_say(...)                                                      \
  do {                                                                     \
    if (getenv("FUZZ_VERBOSE"))                                            \
      fprintf(stderr, "fuzz: " __VA_ARGS__), fputc('\n', stderr);         \
  } while (0)

/* The path of this process's input file, holding data[0..size): made
 * once, in /dev/shm when there is one (a file rewritten on a disk costs a
 * flush per input), else in TMPDIR; removed at exit. */
static char fuzz_path[4096];
static int fuzz_fd = -1;

static inline void fuzz_remove_file(void) {
  if (fuzz_path[0])
    unlink(fuzz_path);
}

static inline const char *fuzz_write_file(const uint8_t *data, size_t size,
                                          const char *suffix) {
  if (fuzz_fd < 0) {
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                                                    : getenv("TMPDIR");
    snprintf(fuzz_path, sizeof fuzz_path, "%s/vista-fuzz-%ld%s",
             dir && *dir ? dir : "/tmp", (long)getpid(), suffix);
    fuzz_fd = open(fuzz_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fuzz_fd < 0)
      fuzz_fail("cannot create %s", fuzz_path);
    atexit(fuzz_remove_file);
  }
  if ((size && pwrite(fuzz_fd, data, size, 0) != (ssize_t)size) ||
      ftruncate(fuzz_fd, (off_t)size) != 0)
    fuzz_fail("cannot write %s", fuzz_path);
  return fuzz_path;
}

/* An error message is one line of text. (That it is no internal error is
 * checked by its status: the text may quote the input, which may say
 * anything.) */
static inline void fuzz_check_message(const char *what, const char *msg) {
  if (!msg || !*msg)
    fuzz_fail("%s: an error without a message", what);
  if (strchr(msg, '\n'))
    fuzz_fail("%s: a message of more than one line: %s", what, msg);
}

#endif
