/**
 * Our own `<bits/stdc++.h>` (GCC's convenience header, which libc++ does not
 * have): it includes every standard header this toolchain provides. Placed
 * on the include path of the compiler's in-memory file system by
 * clang.worker.ts. Left out: <csetjmp> and <csignal> (wasi-libc has neither
 * setjmp nor signals) and the headers deprecated or removed by C++20.
 */

/** C library headers in their C++ form. */
export const C_HEADERS = [
  'cassert',
  'cctype',
  'cerrno',
  'cfenv',
  'cfloat',
  'cinttypes',
  'climits',
  'clocale',
  'cmath',
  'cstdarg',
  'cstddef',
  'cstdint',
  'cstdio',
  'cstdlib',
  'cstring',
  'ctime',
  'cuchar',
  'cwchar',
  'cwctype',
] as const;

/** C++ library headers up to C++20 (thread headers compile; threads cannot start under WASI preview 1). */
export const CXX_HEADERS = [
  'algorithm',
  'any',
  'array',
  'atomic',
  'barrier',
  'bit',
  'bitset',
  'charconv',
  'chrono',
  'compare',
  'complex',
  'concepts',
  'condition_variable',
  'coroutine',
  'deque',
  'exception',
  'execution',
  'filesystem',
  'format',
  'forward_list',
  'fstream',
  'functional',
  'future',
  'initializer_list',
  'iomanip',
  'ios',
  'iosfwd',
  'iostream',
  'istream',
  'iterator',
  'latch',
  'limits',
  'list',
  'locale',
  'map',
  'memory',
  'memory_resource',
  'mutex',
  'new',
  'numbers',
  'numeric',
  'optional',
  'ostream',
  'queue',
  'random',
  'ranges',
  'ratio',
  'regex',
  'scoped_allocator',
  'semaphore',
  'set',
  'shared_mutex',
  'source_location',
  'span',
  'sstream',
  'stack',
  'stdexcept',
  'stop_token',
  'streambuf',
  'string',
  'string_view',
  'syncstream',
  'system_error',
  'thread',
  'tuple',
  'type_traits',
  'typeindex',
  'typeinfo',
  'unordered_map',
  'unordered_set',
  'utility',
  'valarray',
  'variant',
  'vector',
  'version',
] as const;

/** Headers added by C++23, included only when compiling as C++23 or later. */
export const CXX23_HEADERS = ['expected', 'flat_map', 'flat_set', 'mdspan', 'print'] as const;

const includes = (names: readonly string[]): string => names.map((h) => `#include <${h}>`).join('\n');

export const BITS_STDCXX_H = `// <bits/stdc++.h> for Pairpad's in-browser clang: every standard header this toolchain provides.
#ifndef PAIRPAD_BITS_STDCXX_H
#define PAIRPAD_BITS_STDCXX_H

${includes(C_HEADERS)}

${includes(CXX_HEADERS)}

#if __cplusplus > 202002L
${includes(CXX23_HEADERS)}
#endif

#endif
`;
