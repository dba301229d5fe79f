/* Unit test runner: every test runs in its own forked process with a
 * timeout, so a crash or hang fails that test alone. Usage:
 *   pairpad_unit_tests            run all
 *   pairpad_unit_tests NAME...    run the tests whose name contains NAME */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define TEST_TIMEOUT_S 30

#define DECLARE(name) void test_##name(void);
TEST_LIST(DECLARE)
#undef DECLARE

static const struct {
  const char *name;
  void (*fn)(void);
} tests[] = {
#define ENTRY(name) {#name, test_##name},
    TEST_LIST(ENTRY)
#undef ENTRY
};

static int run_one(size_t i) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 0;
  }
  if (pid == 0) {
    alarm(TEST_TIMEOUT_S);
    tests[i].fn();
    /* exit, not _exit: LeakSanitizer checks at exit. */
    exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    printf("ok   %s\n", tests[i].name);
    return 1;
  }
  if (WIFSIGNALED(status))
    printf("FAIL %s (signal %d%s)\n", tests[i].name, WTERMSIG(status),
           WTERMSIG(status) == SIGALRM ? ": timeout" : "");
  else
    printf("FAIL %s (exit %d)\n", tests[i].name, WEXITSTATUS(status));
  return 0;
}

int main(int argc, char **argv) {
  int passed = 0, failed = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    int selected = argc < 2;
    for (int a = 1; a < argc && !selected; a++)
      selected = strstr(tests[i].name, argv[a]) != NULL;
    if (!selected)
      continue;
    if (run_one(i))
      passed++;
    else
      failed++;
  }
  printf("\nunit: %d passed, %d failed\n", passed, failed);
  return failed || passed == 0 ? 1 : 0;
}
