/* Helpers shared by the unit tests (not tests themselves). */
#ifndef PP_TEST_SUPPORT_H
#define PP_TEST_SUPPORT_H

#include <stddef.h>

/* A string literal as the two arguments (ptr, len) of a table entry; keeps
 * embedded NUL bytes. */
#define LIT(s) s, sizeof(s) - 1

/* Names the table entry being checked. If a CHECK then fails, the last
 * context is printed (test_print_ctx); a passing test prints nothing. */
void test_ctx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Creates a fresh directory under $TMPDIR (or /tmp). Returns owned path;
 * aborts the test on failure. */
char *test_tmpdir_new(void);
/* Deletes dir and everything below it, then frees the path. */
void test_tmpdir_remove(char *dir);
/* Creates the file root/rel (parent directories included) holding text. */
void test_write_file(const char *root, const char *rel, const char *text);

#endif
