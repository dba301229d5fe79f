import { describe, expect, it } from 'vitest';
import { BITS_STDCXX_H, CXX23_HEADERS, CXX_HEADERS, C_HEADERS } from '../../runner/src/bitsStdcxx';
import {
  DEFAULT_FLAGS,
  EXCEPTIONS_HINT,
  OUTPUT_FILE,
  PCH_FILE,
  PCH_FLAGS,
  PCH_HEADER,
  SAFETY_FLAGS,
  chooseFlags,
  compileArgs,
  describeCrash,
  frontendFlags,
  includeTree,
  mentionsExceptions,
  parseClangOutput,
  pchBuildArgs,
  pchEligible,
  pchFlagsMatch,
  retryWithoutPch,
  stripCommentsAndLiterals,
  toolchainLinkFlags,
} from '../../runner/src/clang';

describe('compiler flags', () => {
  it('uses the language defaults when the session sets none', () => {
    expect(chooseFlags('c', undefined)).toEqual({ ok: true, flags: ['-O1', '-std=c17', '-Wall', '-Wextra'] });
    expect(chooseFlags('cpp', '   ')).toEqual({ ok: true, flags: [...DEFAULT_FLAGS.cpp] });
    expect(DEFAULT_FLAGS.cpp).toContain('-fno-exceptions');
  });

  it('replaces the defaults with the interviewer flags', () => {
    expect(chooseFlags('cpp', ' -O2  -std=c++17 -Wshadow -DLOCAL=1 -fno-exceptions -g ')).toEqual({
      ok: true,
      flags: ['-O2', '-std=c++17', '-Wshadow', '-DLOCAL=1', '-fno-exceptions', '-g'],
    });
  });

  it.each([
    ['-o', 'x'],
    ['/etc/passwd'],
    ['main.c'],
    ['-I/usr'],
    ['-isystem'],
    ['-include'],
    ['-L/lib'],
    ['-lm'],
    ['-Wl,--export-all'],
    ['-Wp,-MD,x'],
    ['-Xlinker'],
    ['-c'],
    ['-E'],
    ['@flags.txt'],
    ['-fplugin=/x.so'],
    ['-fprofile-generate'],
    ['--target=x86_64-linux'],
    ['-save-temps'],
    ['-###'],
  ])('refuses %s with a message naming the flag', (...words) => {
    const result = chooseFlags('c', words.join(' '));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(`"${words[0]}"`);
  });

  it('always adds what the toolchain needs after the chosen flags', () => {
    const args = compileArgs('c', ['-O2']);
    expect(args[0]).toBe('clang');
    expect(args[1]).toBe('main.c');
    expect(args.slice(2, 2 + SAFETY_FLAGS.length)).toEqual([...SAFETY_FLAGS]);
    expect(args.indexOf('-O2')).toBeLessThan(args.indexOf('--target=wasm32-wasip1'));
    expect(args.slice(-2)).toEqual(['-o', OUTPUT_FILE]);
    expect(compileArgs('cpp', [])[0]).toBe('clang++');
    expect(compileArgs('cpp', [])[1]).toBe('main.cpp');
  });
});

describe('clang diagnostics', () => {
  const OUTPUT = [
    "main.c:5:18: error: use of undeclared identifier 'y'",
    '    5 |   printf("%d\\n", y);',
    '      |                  ^',
    "main.c:4:7: warning: unused variable 'x' [-Wunused-variable]",
    '1 warning and 1 error generated.',
  ].join('\n');

  it('turns errors and warnings in the user file into markers', () => {
    expect(parseClangOutput(OUTPUT, 'main.c').diagnostics).toEqual([
      { severity: 'error', line: 5, column: 18, message: "use of undeclared identifier 'y'" },
      { severity: 'warning', line: 4, column: 7, message: "unused variable 'x' [-Wunused-variable]" },
    ]);
  });

  it('reports the first error with its position', () => {
    expect(parseClangOutput(OUTPUT, 'main.c').firstError).toEqual({
      message: "use of undeclared identifier 'y'",
      position: { line: 5, column: 18 },
    });
  });

  it('counts a fatal error as an error', () => {
    const r = parseClangOutput("main.cpp:1:10: fatal error: 'nope.h' file not found", 'main.cpp');
    expect(r.diagnostics).toEqual([{ severity: 'error', line: 1, column: 10, message: "'nope.h' file not found" }]);
  });

  it('places an error inside a header on the user line that instantiated it', () => {
    const out = [
      "/usr/include/c++/v1/__algorithm/sort.h:900:5: error: invalid operands to binary expression ('S' and 'S')",
      '/usr/include/c++/v1/__algorithm/sort.h:950:3: note: in instantiation of function template specialization requested here',
      'main.cpp:7:3: note: in instantiation of function template specialization requested here',
    ].join('\n');
    const r = parseClangOutput(out, 'main.cpp');
    expect(r.diagnostics).toEqual([{ severity: 'error', line: 7, column: 3, message: "invalid operands to binary expression ('S' and 'S')" }]);
    expect(r.firstError?.position).toEqual({ line: 7, column: 3 });
  });

  it('places an error in an included header on the #include line', () => {
    const out = ['In file included from main.c:2:', 'In file included from /usr/include/x.h:1:', '/usr/include/y.h:3:1: error: unknown type name'].join('\n');
    expect(parseClangOutput(out, 'main.c').diagnostics).toEqual([{ severity: 'error', line: 2, message: 'unknown type name' }]);
  });

  it('reports a linker error without a position', () => {
    const r = parseClangOutput('wasm-ld: error: /tmp/main-3f2a.o: undefined symbol: solve\nclang: error: linker command failed', 'main.c');
    expect(r.diagnostics).toEqual([]);
    expect(r.firstError).toEqual({ message: 'undefined symbol: solve' });
  });

  it('ignores diagnostics of other files and notes', () => {
    const r = parseClangOutput('other.c:1:1: warning: x\nmain.c:3:1: note: previous definition is here', 'main.c');
    expect(r.diagnostics).toEqual([]);
    expect(r.firstError).toBeNull();
  });

  it('recognises failures caused by C++ exceptions', () => {
    expect(mentionsExceptions("main.cpp:5:5: error: cannot use 'throw' with exceptions disabled")).toBe(true);
    expect(mentionsExceptions('wasm-ld: error: main.o: undefined symbol: __cxa_allocate_exception')).toBe(true);
    expect(mentionsExceptions("main.cpp:5:5: error: use of undeclared identifier 'y'")).toBe(false);
    expect(EXCEPTIONS_HINT).toContain('std::optional');
  });
});

describe('crashes', () => {
  it('explains an unreachable trap (null dereference, abort) with exit code 134', () => {
    const crash = describeCrash(new WebAssembly.RuntimeError('unreachable'));
    expect(crash.exitCode).toBe(134);
    expect(crash.message).toContain('null pointer dereference');
  });

  it('maps out-of-bounds memory to 139 and division by zero to 136', () => {
    expect(describeCrash(new WebAssembly.RuntimeError('memory access out of bounds')).exitCode).toBe(139);
    expect(describeCrash(new WebAssembly.RuntimeError('divide by zero')).exitCode).toBe(136);
  });

  it('reports a raised signal as 128 + signal', () => {
    expect(describeCrash('raised signal 6')).toEqual({ message: 'The program raised signal 6.', exitCode: 134 });
  });

  it('reports deep recursion as a stack overflow', () => {
    expect(describeCrash(new RangeError('Maximum call stack size exceeded')).message).toContain('Stack overflow');
  });
});

describe('<bits/stdc++.h>', () => {
  it('includes the containers, algorithms and streams interview code uses', () => {
    for (const h of ['algorithm', 'vector', 'map', 'unordered_map', 'set', 'queue', 'stack', 'string', 'iostream', 'numeric', 'functional', 'cstring', 'climits', 'cmath']) {
      expect(BITS_STDCXX_H).toContain(`#include <${h}>`);
    }
  });

  it('leaves out the headers this toolchain cannot compile', () => {
    expect(BITS_STDCXX_H).not.toContain('<csetjmp>');
    expect(BITS_STDCXX_H).not.toContain('<csignal>');
  });

  it('has an include guard and includes every header once', () => {
    expect(BITS_STDCXX_H).toMatch(/#ifndef (\w+)\n#define \1\n/u);
    const all = [...C_HEADERS, ...CXX_HEADERS, ...CXX23_HEADERS];
    expect(new Set(all).size).toBe(all.length);
    const lines = BITS_STDCXX_H.split('\n').filter((l) => l.startsWith('#include'));
    expect(lines).toHaveLength(all.length);
  });

  it('includes C++23 headers only under C++23', () => {
    const guarded = BITS_STDCXX_H.slice(BITS_STDCXX_H.indexOf('#if __cplusplus > 202002L'));
    for (const h of CXX23_HEADERS) expect(guarded).toContain(`#include <${h}>`);
  });
});

describe('precompiled <bits/stdc++.h>: command lines', () => {
  const contains = (haystack: readonly string[], needle: readonly string[]): boolean =>
    haystack.some((_, i) => needle.every((x, j) => haystack[i + j] === x));

  it('builds the PCH from the header the worker places, with the default C++ flags', () => {
    const args = pchBuildArgs();
    expect(args.slice(0, 4)).toEqual(['clang++', '-x', 'c++-header', PCH_HEADER]);
    expect(contains(args, frontendFlags(DEFAULT_FLAGS.cpp))).toBe(true);
    expect(args.slice(-2)).toEqual(['-o', PCH_FILE]);
  });

  it('compiles a run with the PCH using exactly the front-end flags the PCH was built with', () => {
    const build = pchBuildArgs();
    const run = compileArgs('cpp', [...DEFAULT_FLAGS.cpp], { pch: true });
    const shared = frontendFlags(PCH_FLAGS);
    expect(contains(build, shared)).toBe(true);
    expect(contains(run, [...shared, '-include-pch', PCH_FILE])).toBe(true);
    // Apart from the input, the header mode and the output, the build passes nothing else to the front end.
    expect(build.filter((a) => !shared.includes(a))).toEqual(['clang++', '-x', 'c++-header', PCH_HEADER, '-Xclang', '-fno-pch-timestamp', '-o', PCH_FILE]);
  });

  it('leaves the PCH out unless asked', () => {
    expect(compileArgs('cpp', [...DEFAULT_FLAGS.cpp])).not.toContain('-include-pch');
    expect(compileArgs('cpp', [...DEFAULT_FLAGS.cpp])).toEqual(['clang++', 'main.cpp', ...frontendFlags(DEFAULT_FLAGS.cpp), ...toolchainLinkFlags()]);
  });

  it('puts our <bits/stdc++.h> where the PCH is built from', () => {
    const tree = includeTree();
    const node = PCH_HEADER.slice(1)
      .split('/')
      .reduce<unknown>((dir, name) => (dir as Record<string, unknown>)[name], tree);
    expect(node).toBe(BITS_STDCXX_H);
  });

  it.each([
    ['the defaults', '', true],
    ['the defaults spelled out', '-O1 -std=c++20 -Wall -Wextra -fno-exceptions', true],
    ['other warnings', '-O1 -std=c++20 -Wshadow -Werror -pedantic -fno-exceptions', true],
    ['no warnings', '-O1 -std=c++20 -w -fno-exceptions', true],
    ['another optimisation level', '-O2 -std=c++20 -fno-exceptions', false],
    ['another standard', '-O1 -std=c++17 -fno-exceptions', false],
    ['a macro', '-O1 -std=c++20 -fno-exceptions -DNDEBUG', false],
    ['debug info', '-O1 -std=c++20 -fno-exceptions -g', false],
    ['exceptions on', '-O1 -std=c++20', false],
  ])('loads the PCH with %s: %s → %s', (_name, flags, expected) => {
    const chosen = chooseFlags('cpp', flags);
    expect(chosen.ok && pchFlagsMatch(chosen.flags)).toBe(expected);
  });
});

describe('precompiled <bits/stdc++.h>: which programs use it', () => {
  it.each([
    ['<bits/stdc++.h>', '#include <bits/stdc++.h>\nusing namespace std;\nint main() {}\n'],
    ['<iostream>, <vector> and <algorithm>', '#include <iostream>\n#include <vector>\n#include <algorithm>\nint main() {}\n'],
    ['C forms of C headers', '#include <stdio.h>\n#include <string.h>\nint main() {}\n'],
    ['no include at all', 'int main() { return 0; }\n'],
    ['a #define after the last include', '#include <cstdio>\n#define MOD 1000000007\nint main() {}\n'],
    ['spaces inside the directive', '  #  include  <map>  \nint main() {}\n'],
    ['a directive inside a block comment', '/*\n#define NDEBUG\n*/\n#include <cassert>\nint main() {}\n'],
    ['a directive inside a line comment', '// #define NDEBUG\n#include <cassert>\nint main() {}\n'],
    ['a directive inside a raw string', 'const char* s = R"x(\n#define NDEBUG\n)x";\n#include <cassert>\nint main() {}\n'],
    ['a digit separator before an include', 'int big = 1\'000\'000;\n#include <vector>\nint main() {}\n'],
  ])('uses it for %s', (_name, code) => {
    expect(pchEligible(code)).toBe(true);
  });

  it.each([
    ['a quoted include', '#include "solution.h"\nint main() {}\n'],
    ['a header our <bits/stdc++.h> lacks', '#include <print>\nint main() {}\n'],
    ['a non-standard header', '#include <boost/graph.hpp>\nint main() {}\n'],
    ['#define NDEBUG before <cassert>', '#define NDEBUG\n#include <cassert>\nint main() {}\n'],
    ['#undef before an include', '#include <cstdio>\n#undef EOF\n#include <vector>\nint main() {}\n'],
    ['#if around an include', '#if 1\n#include <vector>\n#endif\nint main() {}\n'],
    ['a #pragma before an include', '#pragma GCC optimize("O3")\n#include <vector>\nint main() {}\n'],
    ['a macro include', '#define H <vector>\n#include H\nint main() {}\n'],
    ['#include_next', '#include_next <vector>\nint main() {}\n'],
    ['a directive continued onto the next line', '#def\\\nine X 1\n#include <vector>\nint main() {}\n'],
    ['a directive after a block comment on its line', '/* c */ #define X 1\n#include <vector>\nint main() {}\n'],
  ])('does not use it for %s', (_name, code) => {
    expect(pchEligible(code)).toBe(false);
  });
});

describe('precompiled <bits/stdc++.h>: compiling again without it', () => {
  it('retries when clang refuses the PCH', () => {
    expect(retryWithoutPch("error: OptimizationLevel differs in precompiled file 'stdcxx.pch' vs. current file\n", 'main.cpp')).toBe(true);
  });

  it('retries when a note points into a header the PCH made visible', () => {
    const output = [
      "main.cpp:5:16: error: reference to 'count' is ambiguous",
      '    5 |   printf("%d\\n", count);',
      "main.cpp:3:5: note: candidate found by name lookup is 'count'",
      "/usr/include/c++/v1/__algorithm/count.h:38:1: note: candidate found by name lookup is 'std::count'",
      '1 error generated.',
    ].join('\n');
    expect(retryWithoutPch(output, 'main.cpp')).toBe(true);
  });

  it('retries when an error is inside a header', () => {
    expect(retryWithoutPch('In file included from main.cpp:1:\n/usr/include/c++/v1/vector:10:1: error: boom\n', 'main.cpp')).toBe(true);
  });

  it('keeps a failure that only concerns the user file', () => {
    const output = "main.cpp:4:16: error: use of undeclared identifier 'y'\nmain.cpp:3:7: warning: unused variable 'x'\n2 errors generated.\n";
    expect(retryWithoutPch(output, 'main.cpp')).toBe(false);
  });

  it('keeps a linker failure', () => {
    expect(retryWithoutPch('wasm-ld: error: /tmp/main-1.o: undefined symbol: solve()\n', 'main.cpp')).toBe(false);
  });
});

describe('stripCommentsAndLiterals', () => {
  it('replaces comments by a space and empties literals', () => {
    expect(stripCommentsAndLiterals('a /* x */ b // y\nc "s//t" \'/\' R"d(q\n)d" e')).toBe('a   b  \nc "" \'\' R"" e');
  });
  it('joins spliced lines first', () => {
    expect(stripCommentsAndLiterals('#define A \\\n 1\nx')).toBe('#define A  1\nx');
  });
});
