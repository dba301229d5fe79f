#define _XOPEN_SOURCE 700
#include "test_support.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

static char support__ctx[512];

void test_print_ctx(void) {
  if (support__ctx[0])
    fprintf(stderr, "  while checking %s\n", support__ctx);
}

void test_ctx(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(support__ctx, sizeof support__ctx, fmt, ap);
  va_end(ap);
}

char *test_tmpdir_new(void) {
  const char *base = getenv("TMPDIR");
  if (!base || !*base)
    base = "/tmp";
  size_t n = strlen(base) + sizeof "/pairpad-unit.XXXXXX";
  char *dir = malloc(n);
  CHECK(dir != NULL);
  snprintf(dir, n, "%s/pairpad-unit.XXXXXX", base);
  CHECK(mkdtemp(dir) != NULL);
  return dir;
}

static int support__rm(const char *path, const struct stat *st, int flag,
                       struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void test_tmpdir_remove(char *dir) {
  if (!dir)
    return;
  CHECK(nftw(dir, support__rm, 16, FTW_DEPTH | FTW_PHYS) == 0);
  free(dir);
}

void test_write_file(const char *root, const char *rel, const char *text) {
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s", root, rel);
  CHECK(n > 0 && (size_t)n < sizeof path);
  for (char *p = path + strlen(root) + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    CHECK(mkdir(path, 0700) == 0 || errno == EEXIST);
    *p = '/';
  }
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  CHECK(fputs(text, f) >= 0);
  CHECK(fclose(f) == 0);
}
