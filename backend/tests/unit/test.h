/* The registry of unit tests and the assertion macros. */
#ifndef PP_TEST_H
#define PP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_LIST(X) X(error_names_are_snake_case)

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define CHECK_INT(a, b)                                                        \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    if (a_ != b_) {                                                            \
      fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__,          \
              __LINE__, #a, a_, b_);                                           \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define CHECK_STR(a, b)                                                        \
  do {                                                                         \
    const char *a_ = (a), *b_ = (b);                                           \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                   \
      fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,      \
              __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");           \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#endif
